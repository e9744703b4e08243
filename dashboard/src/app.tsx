import { useEffect, useState } from "preact/hooks";
import { setUnauthorizedHandler } from "./api";
import { LiveIndicator } from "./components/live-indicator";
import { stopLive } from "./live";
import { AuditPage } from "./pages/audit-page";
import { FlagPage } from "./pages/flag-page";
import { FlagsPage } from "./pages/flags-page";
import { SegmentsPage } from "./pages/segments-page";
import { SignIn } from "./pages/sign-in";
import { TokensPage } from "./pages/tokens-page";
import { WebhooksPage } from "./pages/webhooks-page";
import { type Route, useRoute } from "./router";
import { clearToken, readToken } from "./session";

const NAV: Array<{ href: string; label: string; pages: Route["page"][] }> = [
  { href: "#/flags", label: "Flags", pages: ["flags", "flag"] },
  { href: "#/segments", label: "Segments", pages: ["segments"] },
  { href: "#/audit", label: "Audit log", pages: ["audit"] },
  { href: "#/tokens", label: "Tokens", pages: ["tokens"] },
  { href: "#/webhooks", label: "Webhooks", pages: ["webhooks"] },
];

/** The shell: sign-in until a token is kept, then the header and the page the hash names. */
export function App() {
  const [token, setToken] = useState(readToken());
  const [expired, setExpired] = useState(false);
  const route = useRoute();

  useEffect(() => {
    setUnauthorizedHandler(() => {
      stopLive();
      clearToken();
      setExpired(true);
      setToken(null);
    });
  }, []);

  if (!token)
    return (
      <SignIn
        expired={expired}
        onSignedIn={(t) => {
          setExpired(false);
          setToken(t);
        }}
      />
    );

  const signOut = () => {
    stopLive();
    clearToken();
    setToken(null);
  };

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="#/flags">
          Rollguard
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <a href={n.href} aria-current={n.pages.includes(route.page) ? "page" : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="topbar-end">
          <LiveIndicator />
          <button type="button" class="btn btn-quiet" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "flags":
      return <FlagsPage />;
    case "flag":
      return <FlagPage key={route.key} flagKey={route.key} env={route.env} />;
    case "segments":
      return <SegmentsPage />;
    case "audit":
      return <AuditPage flag={route.flag} />;
    case "tokens":
      return <TokensPage />;
    case "webhooks":
      return <WebhooksPage />;
  }
}
