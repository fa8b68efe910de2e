// The public site's languages (README, Languages): i18next with its file backend and HTTP
// middleware, messages in locales/<language>/<namespace>.json. The language is chosen by the
// address (?lang=pl), kept on every internal link by the `href` view helper; with no language in
// the address, the browser's Accept-Language is a first suggestion. No cookie is ever set (the
// public site sets none), so one rule, publicLanguageOf, decides the language both here and in the
// page cache, which keys its pages by it (page-cache.ts). The partner area stays in English.
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RequestHandler, Response } from "express";
import i18next, { type i18n as I18n, type TFunction } from "i18next";
import Backend from "i18next-fs-backend";
import { LanguageDetector, handle } from "i18next-http-middleware";
import Negotiator from "negotiator";
import { contactNames } from "../content/contacts.ts";
import { DEFAULT_LANGUAGE, type Language, languageByCode } from "../content/languages.ts";
import { pseudoCatalogue } from "./pseudo-locale.ts";

/** A plain path, not new URL(): a URL would percent-encode {{lng}} and nothing would load (GUIDE §11). */
export const LOCALES_DIR = fileURLToPath(new URL("../../locales", import.meta.url));
/** The catalogues of each language: the layout's words, the public pages', the online report's. */
export const NAMESPACES = ["common", "pages", "report"] as const;
/** Around a key that no catalogue has, where its text should be. */
export const MISSING_KEY_MARK = "⟦";
/** The query parameter that chooses a language. */
export const LANGUAGE_PARAMETER = "lang";

export interface ChosenLanguage {
  language: Language;
  /** True when the address named it (then every link keeps it), false when it was suggested. */
  explicit: boolean;
}

/** The `lang` in a request's address, lowercased, if there is exactly one. */
function languageInAddress(url: string | undefined): string | undefined {
  const query = url?.split("?")[1];
  if (!query) return undefined;
  const values = new URLSearchParams(query).getAll(LANGUAGE_PARAMETER);
  return values.length === 1 ? values[0]!.trim().toLowerCase() : undefined;
}

/** The offered languages Accept-Language may choose: real ones (Easy Read is chosen by its link). */
export const suggestible = (codes: readonly string[]): Language[] =>
  codes.map((c) => languageByCode(c)!).filter((l) => !l.pseudo && l.code === l.tag);

/**
 * The language of a public page for this request, from the offered ones (`codes`): the address's
 * if it names one, else the best of Accept-Language among real languages (Easy Read is English
 * and is chosen only by its link), else English.
 */
export function publicLanguageOf(req: IncomingMessage, codes: readonly string[]): ChosenLanguage {
  const named = languageInAddress((req as { originalUrl?: string }).originalUrl ?? req.url);
  if (named && codes.includes(named)) return { language: languageByCode(named)!, explicit: true };
  const best = new Negotiator(req).languages(suggestible(codes).map((l) => l.tag))[0];
  return { language: languageByCode(best ?? DEFAULT_LANGUAGE)!, explicit: false };
}

/** Easy Read English: some pages have a version of their own in it (views/pages/public/easy-read/). */
export const EASY_READ = "en-easy";
export const isEasyRead = (res: Response): boolean =>
  (res.locals.locale as { code?: string } | undefined)?.code === EASY_READ;

/** An i18next instance with every offered language's catalogues loaded (synchronously, at start-up). */
export function createI18n(codes: readonly string[]): I18n {
  const instance = i18next.createInstance();
  const detector = new LanguageDetector();
  detector.addDetector({ name: "rhins-address", lookup: (req) => publicLanguageOf(req, codes).language.code });
  const real = codes.filter((code) => !languageByCode(code)?.pseudo);
  void instance
    .use(Backend)
    .use(detector)
    .init({
      initAsync: false,
      preload: [...new Set([DEFAULT_LANGUAGE, ...real])],
      supportedLngs: [...new Set([DEFAULT_LANGUAGE, ...codes])],
      // "en-easy" and "pl" are codes of their own: i18next would otherwise also look for "en" as a
      // parent, which is the fallback anyway.
      load: "currentOnly",
      lowerCaseLng: true,
      fallbackLng: DEFAULT_LANGUAGE,
      ns: [...NAMESPACES],
      defaultNS: "common",
      // Views escape what they print (<%= %>); catalogue text with markup is printed with <%- %>.
      interpolation: { escapeValue: false, defaultVariables: contactNames },
      returnEmptyString: false,
      // A key in no catalogue shows marked, never passing for text (tests look for the marks).
      parseMissingKeyHandler: (key: string) => `${MISSING_KEY_MARK}${key}${MISSING_KEY_MARK}`,
      backend: { loadPath: path.join(LOCALES_DIR, "{{lng}}", "{{ns}}.json") },
      // The detector's own cookie would break the public site's no-cookie rule.
      detection: { order: ["rhins-address"], caches: false },
    });
  for (const code of codes) {
    const pseudo = languageByCode(code)?.pseudo;
    if (!pseudo) continue;
    for (const ns of NAMESPACES) {
      const english = instance.getResourceBundle(DEFAULT_LANGUAGE, ns) as Record<string, unknown>;
      instance.addResourceBundle(code, ns, pseudoCatalogue(english, pseudo));
    }
  }
  return instance;
}

/** English for everything outside the public site's languages (the partner area, emails to partners). */
export function englishT(instance: I18n): TFunction {
  return instance.getFixedT(DEFAULT_LANGUAGE);
}

/** `path` with the page's language kept in it, for internal links. */
export function withLanguage(href: string, chosen: ChosenLanguage): string {
  if (!chosen.explicit && chosen.language.code === DEFAULT_LANGUAGE) return href;
  if (!href.startsWith("/") || href.startsWith("//")) return href;
  const [beforeHash, hash] = href.split("#", 2) as [string, string | undefined];
  const [pathname, query] = beforeHash.split("?", 2) as [string, string | undefined];
  const params = new URLSearchParams(query);
  params.set(LANGUAGE_PARAMETER, chosen.language.code);
  return `${pathname}?${params.toString()}${hash === undefined ? "" : `#${hash}`}`;
}

/**
 * For every public request: the language (req.t, res.locals.t through i18next's middleware), and
 * what the layout shows of it: `locale` for <html lang dir>, `languageLinks` for the language
 * navigation and hreflang links, and the `href` helper.
 */
export function publicLanguages(instance: I18n, codes: readonly string[]): RequestHandler[] {
  const offered = codes.map((code) => languageByCode(code)!);
  const varies = suggestible(codes).length > 1;
  const setLanguage: RequestHandler = (req, res, next) => {
    const chosen = publicLanguageOf(req, codes);
    const { language } = chosen;
    // A page that followed Accept-Language is not the same for every browser.
    if (!chosen.explicit && varies) res.vary("Accept-Language");
    res.set("Content-Language", language.tag);
    const query = new URLSearchParams(req.originalUrl.split("?")[1]);
    query.delete(LANGUAGE_PARAMETER);
    const here = query.size ? `${req.path}?${query.toString()}` : req.path;
    res.locals.locale = { ...language, explicit: chosen.explicit };
    res.locals.href = (href: string) => withLanguage(href, chosen);
    res.locals.languageLinks =
      offered.length > 1
        ? offered.map((l) => ({
            ...l,
            href: withLanguage(here, { language: l, explicit: true }),
            current: l.code === language.code,
          }))
        : [];
    next();
  };
  return [handle(instance), setLanguage];
}

/**
 * Redirects to this site's own pages keep the page's language (the online report's steps answer
 * each form with a redirect), so a form filled in Polish goes on in Polish.
 */
export const keepLanguageInRedirects: RequestHandler = (_req, res, next) => {
  const href = res.locals.href as ((url: string) => string) | undefined;
  if (href) {
    const redirect = res.redirect.bind(res) as (status: number, url: string) => void;
    res.redirect = ((statusOrUrl: number | string, url?: string) =>
      typeof statusOrUrl === "number"
        ? redirect(statusOrUrl, href(url!))
        : redirect(302, href(statusOrUrl))) as typeof res.redirect;
  }
  next();
};

let english: TFunction | undefined;
/** English from the catalogues, for renders outside any app's languages (emails, tests' bare apps). */
export function defaultEnglishT(): TFunction {
  english ??= englishT(createI18n([DEFAULT_LANGUAGE]));
  return english;
}

/** What every view may use, in English, when the app or a request does not say otherwise. */
export function viewDefaults(): Record<string, unknown> {
  return {
    t: defaultEnglishT(),
    href: (href: string) => href,
    locale: { ...languageByCode(DEFAULT_LANGUAGE)!, explicit: false },
    languageLinks: [],
    escapeHtml: (text: string) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
  };
}
