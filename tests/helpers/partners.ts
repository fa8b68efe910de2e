// Signing in and posting forms as a real browser would: cookies kept, CSRF token read from the
// page, then posted with the form. CSRF protection stays on in every test.
import type { RequestListener } from "node:http";
import request from "supertest";
import type { Database } from "../../src/db/database.ts";
import { hashPassword } from "../../src/services/passwords.ts";

export type Agent = ReturnType<typeof request.agent>;

export const PASSWORD = "correct horse battery staple";

export function csrfToken(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error("no CSRF token on the page");
  return match[1]!;
}

/** GETs `page` for its CSRF token, then POSTs `fields` to `action` (default: the same path). */
export async function submit(agent: Agent, page: string, fields: Record<string, string | string[]>, action = page) {
  const form = await agent.get(page);
  return agent
    .post(action)
    .type("form")
    .send({ ...fields, _csrf: csrfToken(form.text) });
}

export async function signIn(app: RequestListener, email: string, password = PASSWORD): Promise<Agent> {
  const agent = request.agent(app);
  const res = await submit(agent, "/partners/sign-in", { email, password });
  if (res.status !== 302) throw new Error(`sign-in as ${email} failed: ${res.status}`);
  return agent;
}

/** Accounts for each role the tests need, all with PASSWORD. */
export async function createPartners(db: Database) {
  const agency = (code: string) => db.prisma.agency.findUniqueOrThrow({ where: { code } });
  const [nsc, police, sari] = [await agency("NSC"), await agency("Police"), await agency("SARI")];
  const passwordHash = await hashPassword(PASSWORD);
  const make = (
    email: string,
    role: "COORDINATOR" | "OFFICER" | "VIEWER",
    agencyId: number | null,
    caseAccess = false,
  ) => db.prisma.user.create({ data: { email, name: email.split("@")[0]!, role, agencyId, passwordHash, caseAccess } });
  return {
    coordinator: await make("coord@partners.test", "COORDINATOR", nsc.id),
    officer: await make("officer.nsc@partners.test", "OFFICER", nsc.id),
    otherOfficer: await make("officer.police@partners.test", "OFFICER", police.id),
    viewer: await make("viewer@partners.test", "VIEWER", null),
    spare: await make("spare@partners.test", "OFFICER", police.id),
    sariOfficer: await make("officer.sari@partners.test", "OFFICER", sari.id),
    // Case access (services/cases/access.ts): a coordinator who sees every case, and caseworkers
    // who see their agency's. `coordinator` above has none.
    caseCoordinator: await make("cases.coord@partners.test", "COORDINATOR", nsc.id, true),
    sariCaseworker: await make("caseworker.sari@partners.test", "OFFICER", sari.id, true),
    policeCaseworker: await make("caseworker.police@partners.test", "OFFICER", police.id, true),
  };
}

/** The session cookie's value from a response, if it set one. */
export function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const cookies = (res.headers["set-cookie"] as string[] | undefined) ?? [];
  return cookies.find((c) => c.startsWith("rhins.sid="))?.split(";")[0];
}
