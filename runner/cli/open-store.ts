// The database for commands that only read: never created, and opening it is bad input when it fails.
import type { Store } from '../../results/store/store.ts';
import { InputError } from './options.ts';

export async function openExistingStore(path: string): Promise<Store> {
  const { Store, StoreOpenError } = await import('../../results/store/store.ts');
  try {
    return new Store(path, { mustExist: true });
  } catch (e) {
    if (e instanceof StoreOpenError) throw new InputError(e.message);
    throw e;
  }
}
