// The providers as the app knows them (from `listProviders()`), shared by the picker, the first-run guide
// and the Providers screen. Only key *status* is ever held here, never a key.
import { errorMessage, listProviders, type KeyStatus, type ProviderView } from '../../ipc';

export class ProvidersState {
  list: ProviderView[] = $state.raw([]);
  status: 'loading' | 'ready' | 'error' = $state('loading');
  error: string | null = $state(null);

  async load(): Promise<void> {
    try {
      this.list = await listProviders();
      this.status = 'ready';
      this.error = null;
    } catch (err) {
      this.status = 'error';
      this.error = errorMessage(err);
    }
  }

  get(id: string): ProviderView | undefined {
    return this.list.find((p) => p.id === id);
  }

  setKeyStatus(id: string, key: KeyStatus): void {
    this.list = this.list.map((p) => (p.id === id ? { ...p, key } : p));
  }

  /** Adds or replaces one provider (a saved custom one, the demo server). */
  upsert(view: ProviderView): void {
    const at = this.list.findIndex((p) => p.id === view.id);
    this.list = at >= 0 ? this.list.map((p) => (p.id === view.id ? view : p)) : [...this.list, view];
  }

  remove(id: string): void {
    this.list = this.list.filter((p) => p.id !== id);
  }

  get anyKeyPresent(): boolean {
    return this.list.some((p) => p.key.state === 'present');
  }

  /** The keychain message when the OS keychain cannot be used, else null. */
  get keychainUnavailable(): string | null {
    const p = this.list.find((p) => p.key.state === 'unavailable');
    return p && p.key.state === 'unavailable' ? p.key.message : null;
  }

  /** Providers a run can use right now (key present, or local). */
  get usable(): ProviderView[] {
    return this.list.filter((p) => p.key.state === 'present' || p.key.state === 'not_needed' || p.local);
  }
}
