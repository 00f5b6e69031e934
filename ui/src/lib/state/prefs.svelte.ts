// UI preferences (remembered in localStorage; nothing secret, nothing from a run).
import { DEFAULT_PREFS, loadPrefs, savePrefs, type Prefs } from './persist';

export class UiPrefs implements Prefs {
  firstRunDismissed: boolean = $state(false);
  systemOpen: boolean = $state(true);
  paramsOpen: boolean = $state(false);
  historyOpen: boolean = $state(true);

  constructor(partial: Partial<Prefs> = loadPrefs()) {
    const initial = { ...DEFAULT_PREFS, ...partial };
    this.firstRunDismissed = initial.firstRunDismissed;
    this.systemOpen = initial.systemOpen;
    this.paramsOpen = initial.paramsOpen;
    this.historyOpen = initial.historyOpen;
  }

  save(): void {
    savePrefs({
      firstRunDismissed: this.firstRunDismissed,
      systemOpen: this.systemOpen,
      paramsOpen: this.paramsOpen,
      historyOpen: this.historyOpen,
    });
  }
}
