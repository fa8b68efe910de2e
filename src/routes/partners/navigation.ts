// The partner area's navigation, for the signed-in user's role, with the current page marked.
import type { RequestHandler } from "express";

const LINKS = [
  { href: "/partners", text: "Dashboard", roles: ["COORDINATOR", "OFFICER", "VIEWER"] },
  { href: "/partners/updates", text: "Your updates", roles: ["COORDINATOR", "OFFICER"] },
  { href: "/partners/plans", text: "Plans", roles: ["COORDINATOR", "OFFICER", "VIEWER"] },
  // Coordinators only for now: the case handling issue gives officers the reports assigned to them.
  { href: "/partners/reports", text: "New reports", roles: ["COORDINATOR"] },
  { href: "/partners/agencies", text: "Agencies", roles: ["COORDINATOR"] },
  { href: "/partners/directory", text: "Directory", roles: ["COORDINATOR"] },
  { href: "/partners/accounts", text: "Accounts", roles: ["COORDINATOR"] },
  { href: "/partners/emails", text: "Emails", roles: ["COORDINATOR"] },
  { href: "/partners/audit", text: "Audit trail", roles: ["COORDINATOR"] },
  { href: "/partners/account", text: "Your account", roles: ["COORDINATOR", "OFFICER", "VIEWER"] },
] as const;

export const partnerNavigation: RequestHandler = (req, res, next) => {
  const user = req.user;
  if (user) {
    const path = req.originalUrl.split("?")[0]!;
    res.locals.partnerNavigation = LINKS.filter((l) => (l.roles as readonly string[]).includes(user.role)).map((l) => ({
      href: l.href,
      text: l.text,
      // "/partners/account" must not also mark "/partners/accounts": a whole segment matches.
      active: l.href === "/partners" ? path === "/partners" : path === l.href || path.startsWith(`${l.href}/`),
    }));
  }
  next();
};
