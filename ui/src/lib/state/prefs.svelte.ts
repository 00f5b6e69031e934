// UI preferences (remembered in localStorage; nothing secret, nothing from a run).
import { loadPrefs, savePrefs, type Prefs } from './persist';

export class UiPrefs implements Prefs {
  firstRunDismissed: boolean = $state(false);
  systemOpen: boolean = $state(true);
  paramsOpen: boolean = $state(false);

  constructor(initial: Prefs = loadPrefs()) {
    this.firstRunDismissed = initial.firstRunDismissed;
    this.systemOpen = initial.systemOpen;
    this.paramsOpen = initial.paramsOpen;
  }

  save(): void {
    savePrefs({ firstRunDismissed: this.firstRunDismissed, systemOpen: this.systemOpen, paramsOpen: this.paramsOpen });
  }
}
