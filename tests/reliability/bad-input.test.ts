// Bad input at scale: property-based tests (fast-check) over every form and query parameter of the
// portal. Random strings, huge values, unicode, repeated and unknown fields, wrong content types,
// missing or wrong CSRF tokens and foreign origins only ever get a 2xx, 3xx or 4xx answer; every
// refusal (4xx) says what went wrong and leaves the database exactly as it was. Characters the
// database cannot store (NUL) are removed as a form or filter is read, so the database never
// refuses text: a form with them is saved, or shown again with its error summary.
//
// The main forms have generators that know their fields (so many attempts get past the first
// check); then every POST route in the partner route table and every GET route of the site is
// swept with the fields its own form shows, so a form added later is covered without editing this.
import type { RequestListener } from "node:http";
import type { Router } from "express";
import fc from "fast-check";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { createPassport } from "../../src/middleware/authentication.ts";
import { partnerRouteTable } from "../../src/routes/partners/index.ts";
import { publicRoutes } from "../../src/routes/public.ts";
import { hashPassword } from "../../src/services/passwords.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { type Agent, PASSWORD, createPartners, csrfToken, signIn } from "../helpers/partners.ts";

/** Attempts per targeted form or filter, and per route in the sweeps. */
const RUNS = { form: 100, sweepPost: 25, sweepGet: 10 };

let db: Database;
let app: RequestListener;
let built: ReturnType<typeof testApp>;
let partners: Awaited<ReturnType<typeof createPartners>>;
let agents: { anonymous: Agent; officer: Agent; coordinator: Agent };
let tokens: { anonymous: string; officer: string; coordinator: string };
let ids: { nscCommitment: number; policeCommitment: number; risk: number; resetTarget: number; agency: number };

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  partners = await createPartners(db);
  const nsc = await db.prisma.agency.findUniqueOrThrow({ where: { code: "NSC" } });
  const resetTarget = await db.prisma.user.create({
    data: {
      email: "reset.target@partners.test",
      name: "Reset Target",
      role: "OFFICER",
      agencyId: nsc.id,
      passwordHash: await hashPassword(PASSWORD),
    },
  });
  const led = (code: string) =>
    db.prisma.commitment.findFirstOrThrow({ where: { allAgencies: false, leads: { some: { agency: { code } } } } });
  ids = {
    nscCommitment: (await led("NSC")).id,
    policeCommitment: (await led("Police")).id,
    risk: (await db.prisma.risk.findFirstOrThrow()).id,
    resetTarget: resetTarget.id,
    agency: nsc.id,
  };
  built = testApp(db, {
    NODE_ENV: "production",
    SESSION_SECRET: "bad-input-tests-session-secret-0123456789abcdef",
    MFA_REQUIRED: "false",
    SIGN_IN_LIMIT_PER_IP: "100000",
  });
  app = built.app;
  agents = {
    anonymous: request.agent(app),
    officer: await signIn(app, partners.officer.email),
    coordinator: await signIn(app, partners.coordinator.email),
  };
  // The officer starts setting up an authenticator app, so its form can be sent.
  const setup = await agents.officer.get("/partners/account/two-factor");
  expect(setup.status).toBe(200);
  tokens = {
    anonymous: csrfToken((await agents.anonymous.get("/partners/sign-in")).text),
    officer: csrfToken(setup.text),
    coordinator: csrfToken((await agents.coordinator.get("/partners/accounts/new")).text),
  };
});

afterAll(async () => db?.close());

// ---------------------------------------------------------------------------------------------
// What is sent.

const NASTY = [
  "",
  " ",
  "\t\r\n",
  "\u0000",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "' OR '1'='1' --",
  "../../../etc/passwd",
  "%00",
  "%",
  "&=&=",
  "0",
  "-1",
  "1.5",
  "99999999999999999999999",
  "1e309",
  "NaN",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
  "__proto__",
  "🙂🏳️‍🌈",
  "\u202eevil",
  "Ｆｕｌｌｗｉｄｔｈ",
  "\ud800",
  "2023-24",
  "GREEN",
  "COORDINATOR",
];
const HUGE = [101, 255, 2_001, 20_000, 40_000].map((n) => "ẞ".repeat(n));

const shortText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);
const anyText = fc.oneof({ weight: 9, arbitrary: shortText }, { weight: 1, arbitrary: fc.constantFrom(...HUGE) });
const fieldName = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom("__proto__", "constructor", "a[b]", "email[]", "_csrf[]", "status[0]", "x".repeat(300)),
);

type Csrf = "valid" | "missing" | "wrong" | "twice";
interface Attempt {
  pairs: [string, string][];
  csrf: Csrf;
  contentType: string;
  foreignOrigin: boolean;
  /** Every field known, sent once, and nothing wrong but what a person could type: a refusal is the form again. */
  formAgain?: boolean;
}

/**
 * A form submission: each field sent once (usually), left out, or repeated, with the value its
 * generator gives; sometimes unknown fields too; usually the right CSRF token and content type.
 */
function submission(fields: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Attempt> {
  const perField = Object.entries(fields).map(([name, value]) =>
    fc
      .oneof(
        { weight: 8, arbitrary: value.map((v) => [v]) },
        { weight: 1, arbitrary: fc.constant([] as string[]) },
        { weight: 1, arbitrary: fc.array(value, { minLength: 2, maxLength: 3 }) },
      )
      .map((values) => values.map((v): [string, string] => [name, v])),
  );
  return fc
    .record({
      fields: perField.length ? fc.tuple(...perField) : fc.constant([] as [string, string][][]),
      extras: fc.oneof(
        { weight: 8, arbitrary: fc.constant([] as [string, string][]) },
        { weight: 1, arbitrary: fc.array(fc.tuple(fieldName, shortText), { minLength: 1, maxLength: 3 }) },
      ),
      csrf: fc.oneof(
        { weight: 16, arbitrary: fc.constant<Csrf>("valid") },
        { weight: 1, arbitrary: fc.constantFrom<Csrf>("missing", "wrong", "twice") },
      ),
      contentType: fc.oneof(
        { weight: 18, arbitrary: fc.constant("application/x-www-form-urlencoded") },
        { weight: 1, arbitrary: fc.constantFrom("application/json", "text/plain", "multipart/form-data; boundary=x") },
      ),
      foreignOrigin: fc.oneof(
        { weight: 19, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    })
    .map(({ fields: f, extras, ...rest }) => ({ pairs: [...f.flat(), ...extras], ...rest }));
}

function post(agent: Agent, path: string, attempt: Attempt, token: string) {
  const pairs = [...attempt.pairs];
  if (attempt.csrf === "valid" || attempt.csrf === "twice") pairs.push(["_csrf", token]);
  if (attempt.csrf === "twice") pairs.push(["_csrf", token]);
  if (attempt.csrf === "wrong") pairs.push(["_csrf", `${token.slice(0, -4)}AAAA`]);
  let req = agent.post(path).set("Content-Type", attempt.contentType);
  if (attempt.foreignOrigin) req = req.set("Origin", "https://evil.example");
  return req.send(new URLSearchParams(pairs).toString());
}

/**
 * A query string of random parameters, the known ones more often, some repeated. Values stay under
 * Node's 16 KB limit for the request head (a longer address is refused by Node itself with 431).
 */
const queryValue = fc.oneof(
  { weight: 9, arbitrary: shortText },
  { weight: 1, arbitrary: fc.constantFrom(101, 255, 2_001, 10_000).map((n) => "x".repeat(n)) },
);
function query(names: string[]): fc.Arbitrary<string> {
  const name = names.length
    ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fieldName })
    : fieldName;
  return fc
    .array(fc.tuple(name, queryValue), { minLength: 0, maxLength: 5 })
    .filter((pairs) => new URLSearchParams(pairs).toString().length < 12_000)
    .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : ""));
}

// ---------------------------------------------------------------------------------------------
// What is checked.

let tableNames: string[] | undefined;

/**
 * A fingerprint of every table (all rows, every column) except sessions. With `bookkeeping`, the
 * record of failed sign-ins (failure counts, locks, their audit events and the per-address
 * attempt count) is left out: refusing a wrong password must write those.
 */
async function snapshot(bookkeeping: boolean): Promise<Record<string, string>> {
  tableNames ??= (
    await db.withConnection((c) =>
      c.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
           AND table_name NOT IN ('_prisma_migrations', 'WebSession') ORDER BY table_name`,
      ),
    )
  ).map((r) => r.table_name);
  const tables = bookkeeping ? tableNames.filter((t) => t !== "RateLimitHit") : tableNames;
  const parts = tables.map((t) => {
    // Failed sign-ins count against the account, and that write moves the data version.
    const row =
      bookkeeping && t === "User"
        ? `(to_jsonb(x) - ARRAY['failedSignInCount', 'firstFailedSignInAt', 'lockedUntil', 'updatedAt'])`
        : bookkeeping && t === "DataVersion"
          ? `(to_jsonb(x) - 'value')`
          : "to_jsonb(x)";
    const where =
      bookkeeping && t === "AuditEvent"
        ? `WHERE x.action NOT IN ('sign-in.failed', 'account.locked', 'two-factor.failed')`
        : "";
    return `SELECT '${t}' AS t, count(*)::int AS n, md5(coalesce(string_agg(${row}::text, '|' ORDER BY ${row}::text), '')) AS h FROM "${t}" x ${where}`;
  });
  const rows = await db.withConnection((c) => c.query<{ t: string; n: number; h: string }>(parts.join(" UNION ALL ")));
  return Object.fromEntries(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
}

const plain = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/**
 * A refusal says what is wrong: a heading, then an error summary with a message or a paragraph
 * saying what happened; never the 500 or 503 page.
 */
function saysWhatIsWrong(html: string): boolean {
  if (/Sorry, there is a problem with the service|Sorry, the service is unavailable/.test(html)) return false;
  const heading = /<h1\b[^>]*>([\s\S]*?)<\/h1>/.exec(html);
  if (!heading || !plain(heading[1]!)) return false;
  const summary = /<div class="govuk-error-summary__body">([\s\S]*?)<\/div>/.exec(html);
  if (summary && plain(summary[1]!)) return true;
  const after = html.slice(heading.index + heading[0].length);
  const message = /<p class="govuk-body[^"]*">([\s\S]*?)<\/p>/.exec(after);
  return Boolean(message && plain(message[1]!));
}

/** What the error page says when Postgres refused the text (src/middleware/errors.ts): never reached. */
const DATABASE_REFUSED_TEXT = /character that cannot be stored/;

/** The form shown again: an error summary linking to a field of the form. */
const showsTheFormAgain = (html: string) =>
  /<div class="govuk-error-summary__body">[\s\S]*?<a href="#[^"]+"/.test(html) && /<form\b/.test(html);

/** The page's main content as plain text, for failure messages. */
function mainText(html: string): string {
  const main = /<main\b[\s\S]*?<\/main>/.exec(html)?.[0] ?? html;
  return main
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 500);
}

async function expectHandled(
  res: { status: number; text: string },
  before: Record<string, string>,
  bookkeeping: boolean,
  label: string,
  formAgain = false,
) {
  const shortLabel = label.length > 200 ? `${label.slice(0, 200)}...` : label;
  expect(res.status, `${shortLabel}: ${mainText(res.text ?? "")}`).toBeLessThan(500);
  expect(res.text ?? "", `${shortLabel}: the database refused the text`).not.toMatch(DATABASE_REFUSED_TEXT);
  if (res.status >= 400) {
    expect(saysWhatIsWrong(res.text ?? ""), `${shortLabel} (${res.status}): ${mainText(res.text ?? "")}`).toBe(true);
    if (formAgain)
      expect(showsTheFormAgain(res.text ?? ""), `${shortLabel} (${res.status}) did not show the form again`).toBe(true);
    expect(await snapshot(bookkeeping), `${shortLabel} (${res.status}) changed the database`).toEqual(before);
  }
}

/**
 * Sends requests and checks that each is handled (expectHandled). The snapshot a refusal is
 * compared with is taken again only after an accepted request or `changed()`: a refusal is
 * checked to leave the database as it was, so its snapshot serves the next request too.
 */
function handledRequests(bookkeeping: boolean) {
  let before: Promise<Record<string, string>> | undefined;
  return {
    /** Something besides these requests may have changed the database. */
    changed: () => {
      before = undefined;
    },
    async check(label: string, send: () => Promise<{ status: number; text: string }>, formAgain = false) {
      const snapshotBefore = await (before ??= snapshot(bookkeeping));
      const res = await send();
      if (res.status < 400) before = undefined;
      await expectHandled(res, snapshotBefore, bookkeeping, label, formAgain);
    },
  };
}

/** Runs a property over form submissions to one route. */
async function fuzzForm(options: {
  label: string;
  who: keyof typeof agents;
  path: (attempt: Attempt) => string;
  fields: Record<string, fc.Arbitrary<string>>;
  runs?: number;
  bookkeeping?: boolean;
  /** The form has hidden fields (a version): those examples may be refused as not from our form. */
  hiddenFields?: boolean;
  /** Fix up the attempt (e.g. make confirmations match sometimes), or prepare state before it. */
  before?: (attempt: Attempt) => Promise<void> | void;
  pathArb?: fc.Arbitrary<string>;
}) {
  const bookkeeping = options.bookkeeping ?? false;
  // Always tried, whatever the random ones are: every field a NUL character (removed, so the form
  // is saved or shown again as if they were not there), every field huge, and nothing at all.
  const names = Object.keys(options.fields);
  const every = (value: string, formAgain = false): Attempt => ({
    pairs: names.map((name) => [name, value]),
    csrf: "valid",
    contentType: "application/x-www-form-urlencoded",
    foreignOrigin: false,
    formAgain: formAgain && names.length > 0 && !options.hiddenFields,
  });
  const examples: [Attempt][] = [
    [every("\u0000", true)],
    [every("a\u0000b", true)],
    [every(HUGE[2]!)],
    [every("", true)],
  ];
  const requests = handledRequests(bookkeeping);
  await fc.assert(
    fc.asyncProperty(submission(options.fields), async (attempt) => {
      if (options.before) {
        await options.before(attempt);
        requests.changed();
      }
      const path = options.path(attempt);
      await requests.check(
        `POST ${path}`,
        () => post(agents[options.who], path, attempt, tokens[options.who]),
        attempt.formAgain,
      );
    }),
    { numRuns: options.runs ?? RUNS.form, examples },
  );
}

async function fuzzQuery(
  label: string,
  who: keyof typeof agents,
  paths: fc.Arbitrary<string>,
  runs: number,
  examples: [string][] = [],
) {
  const requests = handledRequests(false);
  await fc.assert(
    fc.asyncProperty(paths, async (path) => {
      await requests.check(`${label} GET ${path}`, () => agents[who].get(path));
    }),
    { numRuns: runs, examples },
  );
}

const oneOf = <T>(...values: T[]) => fc.constantFrom(...values);
/** A path segment: any text, percent-encoded (lone surrogates as U+FFFD), or a malformed escape as it is. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const segment = (text: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 6, arbitrary: text.map((v) => encodeURIComponent(v.replace(LONE_SURROGATE, "\ufffd")) || "x") },
    { weight: 1, arbitrary: oneOf("%", "%E0%A4%A", "%ED%A0%80", "%00", "..", "%2F", "%5C", "%252F") },
  );
const statusValue = fc.oneof(oneOf("NOT_STARTED", "RED", "AMBER", "GREEN", "COMPLETE"), shortText);
const passwordValue = fc.oneof(shortText, oneOf("a perfectly long passphrase 42", "password123456", PASSWORD));

// ---------------------------------------------------------------------------------------------

describe("bad input to the partner forms", () => {
  it("sign-in", async () => {
    await fuzzForm({
      label: "sign-in",
      who: "anonymous",
      path: () => "/partners/sign-in",
      fields: {
        email: fc.oneof(anyText, fc.emailAddress(), oneOf(partners.spare.email, partners.spare.email.toUpperCase())),
        password: fc.oneof(anyText, oneOf("wrong password, long enough")),
      },
      bookkeeping: true,
    });
  });

  it("set a password from a one-time link", async () => {
    let token: string | undefined;
    const actor = (await built.services.accounts.findSessionUser(partners.coordinator.id))!;
    const SAME = "<same as password>";
    await fuzzForm({
      label: "set-password",
      who: "anonymous",
      path: () => `/partners/set-password/${token}`,
      fields: { password: passwordValue, confirmPassword: fc.oneof(passwordValue, oneOf(SAME)) },
      before: async (attempt) => {
        // A fresh link whenever the last one was used (a strong password was accepted).
        if (!token || !(await built.services.accounts.findByToken(token)))
          token = new URL((await built.services.accounts.reset(actor, ids.resetTarget)).link, "http://x").pathname
            .split("/")
            .pop();
        const password = attempt.pairs.find(([k]) => k === "password")?.[1] ?? "";
        attempt.pairs = attempt.pairs.map(([k, v]) => [k, v === SAME ? password : v]);
      },
    });
  });

  it("change password", async () => {
    await fuzzForm({
      label: "change-password",
      who: "officer",
      path: () => "/partners/account/password",
      fields: { currentPassword: passwordValue, newPassword: passwordValue, confirmPassword: passwordValue },
    });
  });

  it("authenticator app code", async () => {
    await fuzzForm({
      label: "two-factor",
      who: "officer",
      path: () => "/partners/account/two-factor",
      fields: {
        code: fc.oneof(
          shortText,
          fc.integer({ min: 0, max: 999_999 }).map((n) => String(n).padStart(6, "0")),
        ),
      },
      bookkeeping: true,
    });
  });

  it("add and change accounts", async () => {
    const fields = {
      name: fc.oneof(anyText, oneOf("Alex Example")),
      email: fc.oneof(anyText, fc.emailAddress()),
      role: fc.oneof(oneOf("COORDINATOR", "OFFICER", "VIEWER"), shortText),
      agencyId: fc.oneof(oneOf("", String(ids.agency), "0", "999999"), shortText),
    };
    await fuzzForm({ label: "accounts/new", who: "coordinator", path: () => "/partners/accounts/new", fields });
    await fuzzForm({
      label: "accounts/:id",
      who: "coordinator",
      path: () => `/partners/accounts/${partners.spare.id}`,
      fields,
    });
  });

  it("quarterly reviews of commitments and risks, at any address", async () => {
    const target = fc.tuple(
      oneOf("commitments", "risks"),
      oneOf(String(ids.nscCommitment), String(ids.policeCommitment), String(ids.risk), "0", "999999999", "abc", "1e3"),
      oneOf("1", "2", "3", "4", "0", "5", "01", "x"),
    );
    const nul: Attempt = {
      pairs: [
        ["agency", "NSC"],
        ["status", "GREEN"],
        ["commentary", "On track\u0000"],
        ["version", "0"],
        ["replaces", ""],
      ],
      csrf: "valid",
      contentType: "application/x-www-form-urlencoded",
      foreignOrigin: false,
      formAgain: true,
    };
    const requests = handledRequests(false);
    await fc.assert(
      fc.asyncProperty(
        target,
        submission({
          agency: fc.oneof(oneOf("NSC", "Police", "SARI", ""), shortText),
          status: statusValue,
          commentary: anyText,
          version: fc.oneof(oneOf("0", "1", "2"), shortText),
          replaces: fc.oneof(oneOf("", "0", "1"), shortText),
        }),
        async ([kind, id, quarter], attempt) => {
          const path = `/partners/${kind}/${id}/reviews/${quarter}`;
          await requests.check(
            `POST ${path}`,
            () => post(agents.officer, path, attempt, tokens.officer),
            attempt.formAgain,
          );
        },
      ),
      { numRuns: RUNS.form * 2, examples: [[["commitments", String(ids.nscCommitment), "1"], nul]] },
    );
  });
});

describe("bad query parameters", () => {
  it("the audit trail's filters", async () => {
    const names = ["action", "actor", "entityType", "page"];
    await fuzzQuery(
      "audit",
      "coordinator",
      query(names).map((q) => `/partners/audit${q}`),
      RUNS.form,
      names.map((n) => [`/partners/audit?${n}=%00`]),
    );
  });

  it("the public directory's filters", async () => {
    await fuzzQuery(
      "centres",
      "anonymous",
      query(["town", "offer"]).map((q) => `/reporting-centres${q}`),
      RUNS.form,
      [["/reporting-centres?town=%00"], ["/reporting-centres?offer=%00"]],
    );
    await fuzzQuery(
      "support",
      "anonymous",
      query(["helps"]).map((q) => `/support${q}`),
      RUNS.form,
      [["/support?helps=%00"]],
    );
  });

  it("the plan year in /plan/:year", async () => {
    const year = fc.oneof(oneOf("2023-24", "2023-2024", "2024-25", "1999-00", "2023", "-1", "99999-00"), shortText);
    await fuzzQuery(
      "plan",
      "anonymous",
      segment(year).map((y) => `/plan/${y}`),
      RUNS.form,
      [["/plan/%00"]],
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Sweeps over every route, from the routers' own lists.

function routesIn(router: Router): { method: string; path: string }[] {
  const found: { method: string; path: string }[] = [];
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle: unknown };
  for (const layer of (router as unknown as { stack: Layer[] }).stack) {
    if (layer.route)
      for (const method of Object.keys(layer.route.methods)) found.push({ method, path: layer.route.path });
    else if ((layer.handle as { stack?: unknown }).stack) found.push(...routesIn(layer.handle as Router));
  }
  return found;
}

/** A real value for each path parameter, so the route is reached; anything unknown gets "1". */
function concrete(path: string): string {
  return path
    .replace(/^\/accounts\/:id/, `/accounts/${partners.spare.id}`)
    .replace(/^\/commitments\/:id/, `/commitments/${ids.nscCommitment}`)
    .replace(/^\/risks\/:id/, `/risks/${ids.risk}`)
    .replace(":agencyId", String(ids.agency))
    .replace(":year", "2023-24")
    .replace(":quarter", "1")
    .replace(":token", "no-such-token")
    .replace(/:\w+/g, "1");
}

interface FormFields {
  names: string[];
  /** Whether the form has hidden fields of its own besides the CSRF token. */
  hidden: boolean;
}

/** The fields of the form on `html` that posts to `action`. */
function formFields(html: string, action: string): FormFields {
  for (const form of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const target = /action="([^"]*)"/.exec(form[1]!)?.[1]?.replace(/&amp;/g, "&");
    if (target !== action) continue;
    const fields = [...form[2]!.matchAll(/<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"[^>]*>/g)].filter(
      (m) => m[1] !== "_csrf",
    );
    return {
      names: [...new Set(fields.map((m) => m[1]!))],
      hidden: fields.some((m) => /\btype="hidden"/.test(m[0])),
    };
  }
  return { names: [], hidden: false };
}

/** Finds the page showing the form for `action` (the same address, or one above it) and reads its fields. */
async function fieldsFor(agent: Agent, action: string): Promise<FormFields> {
  const segments = action.split("/");
  for (let n = segments.length; n >= 3; n -= 1) {
    const page = await agent.get(segments.slice(0, n).join("/"));
    if (page.status !== 200) continue;
    const fields = formFields(page.text, action);
    if (fields.names.length) return fields;
  }
  return { names: [], hidden: false };
}

describe("every route, swept", () => {
  it("every form in the partner route table refuses bad input cleanly", async () => {
    const table = partnerRouteTable(built.services, createPassport(built.services), {
      sessionSecret: built.config.sessionSecret,
      signInLimit: built.config.signInLimit,
    });
    const posts = table.filter((r) => r.method === "post" && r.path !== "/sign-out");
    expect(posts.length).toBeGreaterThan(5);
    for (const route of posts) {
      const action = `/partners${concrete(route.path)}`;
      const { names, hidden } = await fieldsFor(agents.coordinator, action);
      const fields = Object.fromEntries(names.map((n) => [n, anyText]));
      await fuzzForm({
        label: `sweep ${route.path}`,
        who: "coordinator",
        path: () => action,
        fields,
        runs: RUNS.sweepPost,
        bookkeeping: /sign-in|two-factor/.test(route.path),
        hiddenFields: hidden,
      });
    }
  });

  it("every page of the site refuses bad query parameters and path values cleanly", async () => {
    const table = partnerRouteTable(built.services, createPassport(built.services), {
      sessionSecret: built.config.sessionSecret,
      signInLimit: built.config.signInLimit,
    });
    const pages = [
      ...table
        .filter((r) => r.method === "get")
        .map((r) => ({ who: "coordinator" as const, path: `/partners${r.path}` })),
      ...routesIn(publicRoutes(built.services))
        .filter((r) => r.method === "get")
        .map((r) => ({ who: "anonymous" as const, path: r.path })),
    ];
    expect(pages.length).toBeGreaterThan(20);
    for (const page of pages) {
      const params = page.path.match(/:\w+/g) ?? [];
      const paths = fc
        .tuple(
          fc.boolean(),
          fc.array(segment(shortText), { minLength: params.length, maxLength: params.length }),
          query([]),
        )
        .map(([randomParams, values, q]) => {
          let i = 0;
          const path = randomParams
            ? page.path.replace(/:\w+/g, () => values[i++] ?? "x")
            : page.path.startsWith("/partners")
              ? `/partners${concrete(page.path.slice("/partners".length))}`
              : page.path;
          return `${path.replace(/(.)\/$/, "$1")}${q}`;
        });
      const nul = page.path.replace(/:\w+/g, "%00");
      await fuzzQuery(page.path, page.who, paths, RUNS.sweepGet, nul === page.path ? [] : [[nul]]);
    }
  });
});
