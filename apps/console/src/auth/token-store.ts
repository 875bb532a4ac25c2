/**
 * Where the bearer token is kept between page loads: sessionStorage, so it ends with the tab and is
 * not shared with other tabs or left behind on a shared computer.
 */
const key = 'yrd.console.token';

export interface TokenStore {
  read(): string | undefined;
  write(token: string): void;
  clear(): void;
}

export function sessionTokenStore(storage: Storage | undefined = globalThis.sessionStorage): TokenStore {
  return {
    read: () => storage?.getItem(key) ?? undefined,
    write: (token) => storage?.setItem(key, token),
    clear: () => storage?.removeItem(key),
  };
}
