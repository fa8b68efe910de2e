import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { createPartners, signIn, submit } from "../helpers/partners.ts";

let db: Database;
beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
});
afterAll(async () => db.close());

const SCRIPT = `<script>alert("x")</script>&"'`;

describe("stored cross-site scripting", () => {
  it("a <script> in a name is shown escaped on every page that shows it", async () => {
    const partners = await createPartners(db);
    const { app } = testApp(db);
    const coordinator = await signIn(app, partners.coordinator.email);
    const created = await submit(coordinator, "/partners/accounts/new", {
      name: SCRIPT,
      email: "xss@partners.test",
      role: "VIEWER",
      agencyId: "",
    });
    expect(created.status).toBe(200);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "xss@partners.test" } });
    expect(user.name).toBe(SCRIPT);
    for (const path of ["/partners/accounts", `/partners/accounts/${user.id}`, "/partners/audit"]) {
      const page = await coordinator.get(path).expect(200);
      expect(page.text, path).not.toContain("<script>alert");
      expect(page.text, path).toMatch(/&lt;script&gt;alert\(\\?(&#34;|&quot;)x/);
    }
    expect(created.text).not.toContain("<script>alert");
  });
});
