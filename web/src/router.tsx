import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';

/** A small history router: the console's pages are a handful of paths, no library needed. */
const EVENT = 'landbridge:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(EVENT, onChange);
  };
}

/** The current path and query, e.g. "/parcels?status=held". */
export function useLocation(): { path: string; search: string } {
  const href = useSyncExternalStore(subscribe, () => window.location.pathname + window.location.search);
  const [path = '/', search = ''] = href.split('?');
  return { path, search };
}

export function navigate(to: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(EVENT));
}

/** An anchor that navigates in the page; marks itself `aria-current="page"` when it is the current one. */
export function Link({
  to,
  children,
  exact = false,
  ...rest
}: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string; exact?: boolean }) {
  const { path } = useLocation();
  const current = exact || to === '/' ? path === to : path === to || path.startsWith(`${to}/`);
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} aria-current={current ? 'page' : undefined} {...rest}>
      {children}
    </a>
  );
}
