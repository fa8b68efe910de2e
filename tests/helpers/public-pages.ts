// Every page of the public site (issue 3), with the h1 each must show. Tests that check "every
// public page" take the list from here.

export interface PublicPage {
  path: string;
  h1: string;
  /** A short name for screenshots. */
  name: string;
}

export const PUBLIC_PAGES: PublicPage[] = [
  { path: "/", h1: "Report hate crime in North Somerset", name: "home" },
  { path: "/what-is-hate-crime", h1: "What is hate crime", name: "what-is-hate-crime" },
  { path: "/report", h1: "How to report hate crime", name: "report" },
  { path: "/report/what-happens-next", h1: "What happens after you report hate crime", name: "what-happens-next" },
  { path: "/reporting-centres", h1: "Find a hate crime reporting centre", name: "reporting-centres" },
  { path: "/support", h1: "Get support after hate crime", name: "support" },
  { path: "/about", h1: "About RHINS", name: "about" },
  { path: "/vision", h1: "Our vision", name: "vision" },
  { path: "/plan", h1: "Hate Crime Plan 2023/24", name: "plan" },
  { path: "/plan/2023-24", h1: "Hate Crime Plan 2023/24", name: "plan-2023-24" },
  { path: "/figures", h1: "Hate crime figures", name: "figures" },
  { path: "/accessibility", h1: "Accessibility statement", name: "accessibility" },
  { path: "/privacy", h1: "Privacy notice", name: "privacy" },
  { path: "/cookies", h1: "Cookies", name: "cookies" },
  {
    path: "/leave-this-site-quickly",
    h1: "Leave this site quickly and hide your visit",
    name: "leave-this-site-quickly",
  },
];
