import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from './api.ts';
import { DISPLAY_CURRENCIES } from './format.ts';

const KEY_STORAGE = 'landbridge.key';
const CURRENCY_STORAGE = 'landbridge.currency';

export interface Session {
  readonly key: string;
  readonly principal: api.Principal;
}

interface SessionState {
  readonly session: Session | undefined;
  readonly features: api.Features | undefined;
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
 * Who is signed in (the API key is kept in this tab's sessionStorage only), which of the coming API
 * features the server has, the network in force, and the display currency.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const [session, setSession] = useState<Session>();
  const [features, setFeatures] = useState<api.Features>();
  const [network, setNetwork] = useState<api.Network>();
  const [restoring, setRestoring] = useState(true);
  const [currency, setCurrencyState] = useState<string>(
    () => window.localStorage.getItem(CURRENCY_STORAGE) ?? defaultCurrency(i18n.language),
  );

  const setCurrency = useCallback((c: string) => {
    if (!(DISPLAY_CURRENCIES as readonly string[]).includes(c)) return;
    window.localStorage.setItem(CURRENCY_STORAGE, c);
    setCurrencyState(c);
  }, []);

  const signIn = useCallback(async (key: string) => {
    const f = await api.loadFeatures();
    const principal = await api.whoAmI(key, f);
    const n = await api.network(key);
    window.sessionStorage.setItem(KEY_STORAGE, key);
    setFeatures(f);
    setNetwork(n);
    setSession({ key, principal });
  }, []);

  const signOut = useCallback(() => {
    window.sessionStorage.removeItem(KEY_STORAGE);
    setSession(undefined);
    setNetwork(undefined);
  }, []);

  useEffect(() => {
    const saved = window.sessionStorage.getItem(KEY_STORAGE);
    if (!saved) {
      setRestoring(false);
      return;
    }
    signIn(saved)
      .catch(() => window.sessionStorage.removeItem(KEY_STORAGE))
      .finally(() => setRestoring(false));
  }, [signIn]);

  const hubZone = network?.nodes.find((n) => n.id === network.hub)?.zone ?? 'Asia/Shanghai';
  const value = useMemo<SessionState>(
    () => ({
      session,
      features,
      network,
      currency,
      setCurrency,
      locale: i18n.language,
      hubZone,
      signIn,
      signOut,
      restoring,
    }),
    [session, features, network, currency, setCurrency, i18n.language, hubZone, signIn, signOut, restoring],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(Context);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in session; pages behind sign-in only. */
export function useSignedIn(): SessionState & {
  session: Session;
  features: api.Features;
  network: api.Network;
} {
  const s = useSession();
  if (!s.session || !s.features || !s.network) throw new Error('not signed in');
  return s as SessionState & { session: Session; features: api.Features; network: api.Network };
}
