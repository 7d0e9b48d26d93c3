import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from './api/index.ts';
import { DISPLAY_CURRENCIES } from './format.ts';

const KEY_STORAGE = 'landbridge.key';
/** The principal and the network of this tab's session, so a reload fetches neither again. */
const SESSION_STORAGE = 'landbridge.session';
const CURRENCY_STORAGE = 'landbridge.currency';

export interface Session {
  readonly key: string;
  readonly principal: api.Principal;
}

interface SessionState {
  readonly session: Session | undefined;
  readonly network: api.Network | undefined;
  /** The currency amounts are shown in, the user's choice. */
  readonly currency: string;
  readonly setCurrency: (c: string) => void;
  /** The locale for numbers and dates: the chosen language. */
  readonly locale: string;
  /** IANA zone of the hub. */
  readonly hubZone: string;
  readonly signIn: (key: string) => Promise<void>;
  readonly signOut: () => void;
  readonly restoring: boolean;
}

const Context = createContext<SessionState | undefined>(undefined);

function defaultCurrency(language: string): string {
  return language.startsWith('zh') ? 'CNY' : 'USD';
}

/**
 * Who is signed in (the API key is kept in this tab's sessionStorage only, with the principal and the
 * network in force so that a reload asks for neither again), and the display currency.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  // A reload restores the tab's session at once (no sign-in flash, no layout shift, no request).
  const [kept] = useState(() => {
    const key = window.sessionStorage.getItem(KEY_STORAGE);
    const saved = key ? restored(window.sessionStorage.getItem(SESSION_STORAGE)) : undefined;
    return key && saved ? { key, ...saved } : undefined;
  });
  const [session, setSession] = useState<Session | undefined>(
    kept ? { key: kept.key, principal: kept.principal } : undefined,
  );
  const [network, setNetwork] = useState<api.Network | undefined>(kept?.network);
  const [restoring, setRestoring] = useState(!kept && window.sessionStorage.getItem(KEY_STORAGE) !== null);
  const [currency, setCurrencyState] = useState<string>(
    () => window.localStorage.getItem(CURRENCY_STORAGE) ?? defaultCurrency(i18n.language),
  );

  const setCurrency = useCallback((c: string) => {
    if (!(DISPLAY_CURRENCIES as readonly string[]).includes(c)) return;
    window.localStorage.setItem(CURRENCY_STORAGE, c);
    setCurrencyState(c);
  }, []);

  const signIn = useCallback(async (key: string) => {
    const [principal, n] = await Promise.all([api.whoAmI(key), api.network(key)]);
    window.sessionStorage.setItem(KEY_STORAGE, key);
    try {
      window.sessionStorage.setItem(SESSION_STORAGE, JSON.stringify({ principal, network: n }));
    } catch {
      // Storage full or refused: the next reload asks again.
    }
    setNetwork(n);
    setSession({ key, principal });
  }, []);

  const signOut = useCallback(() => {
    window.sessionStorage.removeItem(KEY_STORAGE);
    window.sessionStorage.removeItem(SESSION_STORAGE);
    setSession(undefined);
    setNetwork(undefined);
  }, []);

  useEffect(() => {
    const saved = window.sessionStorage.getItem(KEY_STORAGE);
    if (!saved || kept) return;
    signIn(saved)
      .catch(() => window.sessionStorage.removeItem(KEY_STORAGE))
      .finally(() => setRestoring(false));
  }, [signIn, kept]);

  // A key revoked meanwhile (a restart prints new demo keys): any 401 signs out.
  useEffect(() => api.onUnauthorised(signOut), [signOut]);

  const hubZone = network?.nodes.find((n) => n.id === network.hub)?.zone ?? 'Asia/Shanghai';
  const value = useMemo<SessionState>(
    () => ({
      session,
      network,
      currency,
      setCurrency,
      locale: i18n.language,
      hubZone,
      signIn,
      signOut,
      restoring,
    }),
    [session, network, currency, setCurrency, i18n.language, hubZone, signIn, signOut, restoring],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(Context);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in session; pages behind sign-in only. */
export function useSignedIn(): SessionState & { session: Session; network: api.Network } {
  const s = useSession();
  if (!s.session || !s.network) throw new Error('not signed in');
  return s as SessionState & { session: Session; network: api.Network };
}

function restored(text: string | null): { principal: api.Principal; network: api.Network } | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as { principal?: api.Principal; network?: api.Network };
    return v.principal && v.network?.nodes ? { principal: v.principal, network: v.network } : undefined;
  } catch {
    return undefined;
  }
}
