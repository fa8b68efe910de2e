// The partner area's access rules (src/middleware/authentication.ts), on a real Express app with
// nothing else in it: who may use a route of each kind, what happens until the second factor is
// passed, where sign-in may send someone afterwards, and how passport asks the account rules.
// The role x route matrix over the real route table is tests/integration/partners-access.test.ts.
import type { RequestListener } from "node:http";
import express, { type ErrorRequestHandler } from "express";
import session from "express-session";
import request from "supertest";
import { describe, expect, it } from "vitest";
import {
  type Access,
  SIGN_IN_PATH,
  TWO_FACTOR_PATH,
  TWO_FACTOR_SETUP_PATH,
  createPassport,
  requireAccess,
  safeReturnTo,
} from "../../src/middleware/authentication.ts";
import type { Services } from "../../src/services/index.ts";
import { twoFactorService } from "../../src/services/two-factor.ts";

type Role = Express.User["role"];

const partner = (role: Role, extra: Partial<Express.User> = {}): Express.User => ({
  id: 7,
  email: "sam@partners.test",
  name: "Sam",
  role,
  agencyId: 1,
  agencyCode: "NSC",
  twoFactorEnabled: false,
  caseAccess: false,
  reportingCentreId: null,
  ...extra,
});

/** The real rule for who must use a second factor; nothing else of the services is used here. */
const servicesWith = (mfaRequired: boolean) =>
  ({
    twoFactor: twoFactorService(undefined as never, {
      audit: undefined as never,
      accounts: undefined as never,
      encryption: undefined as never,
      mfaRequired,
    }),
  }) as unknown as Services;

const errorsAsJson: ErrorRequestHandler = (err, _req, res, _next) => {
  res.status(err.status ?? 500).json({ message: err.message });
};

interface Attempt {
  user?: Express.User;
  twoFactorPassed?: boolean;
  method?: "get" | "post";
  mfaRequired?: boolean;
}

/** Asks for /partners/page?x=1 behind requireAccess(access), as `user`, with this session. */
async function attempt(access: Access, { user, twoFactorPassed, method = "get", mfaRequired = false }: Attempt) {
  const sessionData: { returnTo?: string; twoFactorPassed?: boolean } = { twoFactorPassed };
  const app = express();
  app.use((req, _res, next) => {
    req.user = user;
    (req as unknown as { session: typeof sessionData }).session = sessionData;
    next();
  });
  app.all("/partners/page", requireAccess(access, servicesWith(mfaRequired)), (_req, res) => {
    res.json({ through: true, user: res.locals.user?.id ?? null });
  });
  app.use(errorsAsJson);
  const res = await request(app)[method]("/partners/page?x=1").set("Accept", "text/html");
  return { status: res.status, location: res.headers.location, body: res.body, session: sessionData };
}

const through = (user?: Express.User) => ({ status: 200, body: { through: true, user: user?.id ?? null } });

const ACCESS: Access[] = [
  "anyone",
  "second-factor",
  "signed-in",
  "editor",
  "coordinator",
  "cases",
  "panel",
  "reporting-centre",
];

describe("a route anyone may use", () => {
  it.each(["get", "post"] as const)("lets everyone through (%s), signed in or not", async (method) => {
    expect(await attempt("anyone", { method })).toMatchObject(through());
    const viewer = partner("VIEWER", { twoFactorEnabled: true });
    // No partner is needed there, even one who has still to pass the second factor.
    expect(await attempt("anyone", { method, user: viewer })).toMatchObject(through());
  });
});

describe("someone who has not signed in", () => {
  it.each(ACCESS.filter((a) => a !== "anyone"))(
    "is sent to sign in from a page (%s), which is kept to come back to",
    async (access) => {
      const result = await attempt(access, {});
      expect(result).toMatchObject({ status: 302, location: "/partners/sign-in" });
      expect(result.session.returnTo).toBe("/partners/page?x=1");
    },
  );

  it.each(ACCESS.filter((a) => a !== "anyone"))(
    "is refused a change (%s) with 403 and a message, and nothing kept",
    async (access) => {
      const result = await attempt(access, { method: "post" });
      expect(result).toMatchObject({ status: 403, body: { message: "You need to sign in to do that." } });
      expect(result.session.returnTo).toBeUndefined();
    },
  );
});

describe("who may use each kind of route, once fully signed in", () => {
  const table: [Access, Role, boolean][] = [
    ["second-factor", "VIEWER", true],
    ["second-factor", "OFFICER", true],
    ["second-factor", "COORDINATOR", true],
    ["signed-in", "VIEWER", true],
    ["signed-in", "OFFICER", true],
    ["signed-in", "COORDINATOR", true],
    ["editor", "VIEWER", false],
    ["editor", "OFFICER", true],
    ["editor", "COORDINATOR", true],
    ["coordinator", "VIEWER", false],
    ["coordinator", "OFFICER", false],
    ["coordinator", "COORDINATOR", true],
  ];

  it.each(table)("%s route, %s: allowed %s", async (access, role, allowed) => {
    const user = partner(role);
    for (const method of ["get", "post"] as const) {
      const result = await attempt(access, { user, method });
      if (allowed) expect(result, method).toMatchObject(through(user));
      else expect(result.status, method).toBe(403);
    }
  });

  const caseTable: [Access, Role, Partial<Express.User>, boolean][] = [
    ["cases", "OFFICER", { caseAccess: true }, true],
    ["cases", "COORDINATOR", { caseAccess: true }, true],
    ["cases", "OFFICER", {}, false],
    ["cases", "COORDINATOR", {}, false],
    ["cases", "VIEWER", { caseAccess: true }, false], // never a viewer's, whatever the flag says
    ["panel", "COORDINATOR", { caseAccess: true }, true],
    ["panel", "COORDINATOR", {}, false],
    ["panel", "OFFICER", { caseAccess: true }, false],
    ["reporting-centre", "OFFICER", { reportingCentreId: 3 }, true],
    ["reporting-centre", "VIEWER", { reportingCentreId: 3 }, true],
    ["reporting-centre", "COORDINATOR", {}, false],
  ];

  it.each(caseTable)("%s route, %s %o: allowed %s, otherwise not found", async (access, role, extra, allowed) => {
    const user = partner(role, extra);
    for (const method of ["get", "post"] as const) {
      const result = await attempt(access, { user, method });
      if (allowed) expect(result, method).toMatchObject(through(user));
      else expect(result.status, method).toBe(404);
    }
  });

  it("tells a viewer they can read but not change", async () => {
    const result = await attempt("editor", { user: partner("VIEWER"), method: "post" });
    expect(result.body.message).toBe("Viewers can read the partner area but not change it.");
  });

  it("tells anyone but a coordinator that they do not have permission", async () => {
    for (const role of ["VIEWER", "OFFICER"] as const) {
      const result = await attempt("coordinator", { user: partner(role) });
      expect(result.body.message).toBe("You do not have permission to do that.");
    }
  });

  it("hands the partner to the page, which never sees one on a route for anyone", async () => {
    const user = partner("OFFICER");
    expect((await attempt("signed-in", { user })).body.user).toBe(7);
    expect((await attempt("anyone", { user })).body.user).toBeNull();
  });
});

describe("a partner with an authenticator app, before the code is entered", () => {
  const user = partner("COORDINATOR", { twoFactorEnabled: true });

  it.each(["signed-in", "editor", "coordinator"] as const)(
    "is sent to enter the code from a page (%s)",
    async (access) => {
      const result = await attempt(access, { user });
      expect(result).toMatchObject({ status: 302, location: "/partners/sign-in/two-factor" });
      expect(result.session.returnTo).toBeUndefined();
    },
  );

  it.each(["signed-in", "editor", "coordinator"] as const)("is refused a change (%s)", async (access) => {
    const result = await attempt(access, { user, method: "post" });
    expect(result).toMatchObject({
      status: 403,
      body: { message: "Finish signing in with your authenticator app first." },
    });
  });

  it("may use the second-factor pages themselves", async () => {
    expect(await attempt("second-factor", { user })).toMatchObject(through(user));
    expect(await attempt("second-factor", { user, method: "post" })).toMatchObject(through(user));
  });

  it("is let through once the code has been entered in this session", async () => {
    for (const access of ["signed-in", "editor", "coordinator"] as const)
      expect(await attempt(access, { user, twoFactorPassed: true }), access).toMatchObject(through(user));
  });

  it("is sent to the code before being told a role cannot use the page", async () => {
    const viewer = partner("VIEWER", { twoFactorEnabled: true });
    expect(await attempt("coordinator", { user: viewer })).toMatchObject({
      status: 302,
      location: "/partners/sign-in/two-factor",
    });
    const result = await attempt("coordinator", { user: viewer, twoFactorPassed: true });
    expect(result.status).toBe(403);
  });

  it("is asked for the code whether or not the second factor is required", async () => {
    const officer = partner("OFFICER", { twoFactorEnabled: true });
    for (const mfaRequired of [false, true])
      expect((await attempt("signed-in", { user: officer, mfaRequired })).location).toBe(TWO_FACTOR_PATH);
  });
});

describe("a coordinator without an authenticator app, where the second factor is required", () => {
  const user = partner("COORDINATOR");

  it.each(["signed-in", "editor", "coordinator"] as const)("is sent to set one up from a page (%s)", async (access) => {
    expect(await attempt(access, { user, mfaRequired: true })).toMatchObject({
      status: 302,
      location: "/partners/account/two-factor",
    });
  });

  it("is refused a change until it is set up", async () => {
    const result = await attempt("editor", { user, mfaRequired: true, method: "post" });
    expect(result).toMatchObject({
      status: 403,
      body: { message: "Finish signing in with your authenticator app first." },
    });
  });

  it("may use the set-up page itself (second-factor)", async () => {
    expect(await attempt("second-factor", { user, mfaRequired: true })).toMatchObject(through(user));
  });

  it("is let through when the second factor is not required", async () => {
    expect(await attempt("coordinator", { user, mfaRequired: false })).toMatchObject(through(user));
  });

  it("is required of an officer with case access too, and only with case access", async () => {
    const caseworker = partner("OFFICER", { caseAccess: true });
    expect(await attempt("cases", { user: caseworker, mfaRequired: true })).toMatchObject({
      status: 302,
      location: "/partners/account/two-factor",
    });
    expect(await attempt("signed-in", { user: caseworker, mfaRequired: false })).toMatchObject(through(caseworker));
  });

  it("is the only role that must set one up: officers and viewers are let through", async () => {
    for (const role of ["OFFICER", "VIEWER"] as const)
      expect(await attempt("signed-in", { user: partner(role), mfaRequired: true }), role).toMatchObject(
        through(partner(role)),
      );
  });
});

describe("the addresses of the sign-in pages", () => {
  it("are under /partners", () => {
    expect([SIGN_IN_PATH, TWO_FACTOR_PATH, TWO_FACTOR_SETUP_PATH]).toEqual([
      "/partners/sign-in",
      "/partners/sign-in/two-factor",
      "/partners/account/two-factor",
    ]);
  });
});

describe("where sign-in may send someone afterwards (safeReturnTo)", () => {
  it.each([
    ["/partners", "/partners"],
    ["/partners/accounts", "/partners/accounts"],
    ["/partners/audit?actor=sam&page=2", "/partners/audit?actor=sam&page=2"],
    ["/partners/audit?page=2#top", "/partners/audit?page=2"],
    ["/partners/plans/2023-24/", "/partners/plans/2023-24/"],
    // Only a leading // names another site; doubled slashes further on are just a path.
    ["/partners/plans//", "/partners/plans//"],
  ])("keeps a page of the partner area: %s", (value, target) => {
    expect(safeReturnTo(value)).toBe(target);
  });

  it.each([
    ["nothing", undefined],
    ["a number", 42],
    ["a list", ["/partners/accounts"]],
    ["an empty address", ""],
    ["an address without a leading slash", "partners/accounts"],
    ["another site", "https://evil.example/partners"],
    ["another site, scheme-relative", "//evil.example/partners"],
    ["another site, with a backslash", "/\\evil.example/partners"],
    ["a backslash in the path", "/partners\\accounts"],
    ["a script", "javascript:alert(1)"],
    ["a public page", "/plan/2023-24"],
    ["the home page", "/"],
    ["a way out of the partner area", "/partners/../plan"],
    ["an encoded way out", "/partners/%2e%2e/plan"],
    ["a space", "/partners/ accounts"],
    ["a tab", "/partners/\taccounts"],
    ["a line break", "/partners/\r\nSet-Cookie: x=1"],
    ["a NUL", "/partners/accounts\u0000"],
    ["a DEL", "/partners/accounts\u007f"],
  ])("sends anything else to the dashboard: %s", (_what, value) => {
    expect(safeReturnTo(value)).toBe("/partners");
  });
});

describe("signing in with passport", () => {
  /** An app with passport on a session, and account rules that know the partners in `people`. */
  function signInApp(people: Express.User[], options: { failing?: boolean } = {}) {
    const asked: { email: string; password: string; ip: string }[] = [];
    const accounts = {
      async authenticate(email: string, password: string, ip: string) {
        asked.push({ email, password, ip });
        if (options.failing) throw new Error("the database has gone");
        return people.find((p) => p.email === email && password === "the right password") ?? null;
      },
      async findSessionUser(id: number) {
        return people.find((p) => p.id === id) ?? null;
      },
    };
    const passport = createPassport({ accounts } as unknown as Services);
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use(session({ secret: "unit tests only", resave: false, saveUninitialized: false }));
    app.use(passport.session());
    app.post("/sign-in", (req, res, next) => {
      passport.authenticate("local", (err: unknown, user: Express.User | false) => {
        if (err) return next(err);
        if (!user) return res.status(401).json({ signedIn: false });
        req.login(user, (loginErr) => {
          if (loginErr) return next(loginErr);
          res.json({ signedIn: user.id, ip: req.ip });
        });
      })(req, res, next);
    });
    app.get("/who", (req, res) => {
      const kept = (req.session as unknown as { passport?: { user?: unknown } }).passport;
      res.json({ user: req.user ?? null, kept: kept?.user ?? null });
    });
    app.use(errorsAsJson);
    return { app: app as unknown as RequestListener, asked };
  }

  const sam = partner("OFFICER");

  it("asks the account rules with the email address, password and network address as sent", async () => {
    const { app, asked } = signInApp([sam]);
    const res = await request(app)
      .post("/sign-in")
      .type("form")
      .send({ email: sam.email, password: "the right password" });
    expect(res.status).toBe(200);
    expect(res.body.signedIn).toBe(7);
    expect(asked).toEqual([{ email: sam.email, password: "the right password", ip: res.body.ip }]);
    expect(asked[0]!.ip).toMatch(/127\.0\.0\.1|::1/);
  });

  it("signs nobody in when the account rules do not recognise them", async () => {
    const { app, asked } = signInApp([sam]);
    const res = await request(app).post("/sign-in").type("form").send({ email: sam.email, password: "wrong" });
    expect(res.status).toBe(401);
    expect(asked).toHaveLength(1);
  });

  it("does not ask the account rules without both an email address and a password", async () => {
    const { app, asked } = signInApp([sam]);
    expect((await request(app).post("/sign-in").type("form").send({ email: sam.email })).status).toBe(401);
    expect((await request(app).post("/sign-in").type("form").send({ password: "x" })).status).toBe(401);
    expect(asked).toEqual([]);
  });

  it("treats a failure of the account rules as an error, not as a wrong password", async () => {
    const { app } = signInApp([sam], { failing: true });
    const res = await request(app)
      .post("/sign-in")
      .type("form")
      .send({ email: sam.email, password: "the right password" });
    expect(res.status).toBe(500);
    expect(res.body.message).toBe("the database has gone");
  });

  it("keeps only the account's id in the session, and loads the partner afresh on each request", async () => {
    const people = [sam];
    const agent = request.agent(signInApp(people).app);
    await agent.post("/sign-in").type("form").send({ email: sam.email, password: "the right password" }).expect(200);
    expect((await agent.get("/who")).body).toEqual({ user: sam, kept: 7 });
    // Changed since signing in (another role, say): the next request sees the change.
    people[0] = { ...sam, role: "VIEWER" };
    expect((await agent.get("/who")).body.user).toMatchObject({ id: 7, role: "VIEWER" });
  });

  it("signs nobody in from a session whose account has gone", async () => {
    const people = [sam];
    const agent = request.agent(signInApp(people).app);
    await agent.post("/sign-in").type("form").send({ email: sam.email, password: "the right password" }).expect(200);
    people.length = 0;
    expect((await agent.get("/who")).body).toEqual({ user: null, kept: null });
  });
});
