// The public site's sections, as its navigation shows them. Each page says which section it is in.

export interface NavigationItem {
  key: string;
  href: string;
  text: string;
}

export const publicNavigation: NavigationItem[] = [
  { key: "what-is-hate-crime", href: "/what-is-hate-crime", text: "What is hate crime" },
  { key: "report", href: "/report", text: "Report it" },
  { key: "reporting-centres", href: "/reporting-centres", text: "Reporting centres" },
  { key: "support", href: "/support", text: "Get support" },
  { key: "about", href: "/about", text: "About us" },
  { key: "plan", href: "/plan", text: "Our plan" },
];
