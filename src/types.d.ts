// Types shared across the app: what middleware adds to Express's request, response and session.
import type { Role } from "./generated/prisma/client.ts";
import type { PageCache } from "./middleware/page-cache.ts";

export {};

declare global {
  namespace Express {
    /** The signed-in partner, as loaded for each request from the session. */
    interface User {
      id: number;
      email: string;
      name: string;
      role: Role;
      agencyId: number | null;
      agencyCode: string | null;
      twoFactorEnabled: boolean;
      /** May see and work on cases (services/cases/access.ts). */
      caseAccess: boolean;
      /** Staff of this reporting centre may enter reports for people who come in. */
      reportingCentreId: number | null;
    }
    interface Locals {
      /** CSRF token for forms in the partner area. */
      csrfToken?: string;
      user?: User;
      /** Links in the partner area's navigation bar. */
      partnerNavigation?: { href: string; text: string; active: boolean }[];
      /** A one-off success message, taken from the session for this page. */
      flash?: { heading: string };
      /** The public site's cache of rendered pages. */
      pageCache?: PageCache;
      /** When this signed-in page's session ends, for the timeout warning. */
      sessionTimeout?: { expiresInSeconds: number; warnSeconds: number; keepAliveUrl: string };
    }
  }
}

declare module "express-session" {
  interface SessionData {
    /** Where to go after signing in (a path on this site). */
    returnTo?: string;
    /** When the session was created, for the absolute timeout (ms since epoch). */
    startedAt?: number;
    /** The second factor has been checked in this session. */
    twoFactorPassed?: boolean;
    /** A TOTP secret being enrolled, until the first code confirms it. */
    pendingTotpSecret?: string;
    /** A one-off message for the next page (GOV.UK notification banner). */
    flash?: { heading: string };
    /** csrf-sync's synchroniser token. */
    csrfToken?: string;
    /** Pages with a form kept for this browser (services/pending-forms.ts), so others cost no look-up. */
    keptForms?: string[];
    /** Why the sign-in page was shown: the session ended, with or without a form kept. */
    signInNotice?: "form-kept" | "session-ended";
  }
}
