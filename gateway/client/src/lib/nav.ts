// What the navigation shows and which actions are offered, from the permissions that
// GET /api/v1/auth/me gives: the client keeps no copy of the gateway's role rules, so a
// link is shown exactly when the API would let its page load.

export type NavItem = { path: string; label: string };
export type Permissions = readonly string[] | undefined;

const has = (permissions: Permissions, permission: string) =>
  (permissions ?? []).includes(permission);

export function navFor(permissions: Permissions): NavItem[] {
  const items: NavItem[] = [];
  if (has(permissions, "sales:write")) items.push({ path: "/my-day", label: "nav.myDay" });
  if (has(permissions, "contacts:read")) items.push({ path: "/contacts", label: "nav.contacts" });
  if (has(permissions, "accounts:read")) items.push({ path: "/accounts", label: "nav.accounts" });
  if (has(permissions, "sales:read")) items.push({ path: "/pipeline", label: "nav.pipeline" });
  if (has(permissions, "forecast:read")) items.push({ path: "/forecast", label: "nav.forecast" });
  if (has(permissions, "tickets:write")) items.push({ path: "/queue", label: "nav.queue" });
  if (has(permissions, "support:manage")) items.push({ path: "/backlog", label: "nav.backlog" });
  if (has(permissions, "dashboards:read")) items.push({ path: "/dashboards", label: "nav.dashboards" });
  // Marketing is the marketers' workplace: others open a campaign or segment from a link.
  if (has(permissions, "marketing:write")) items.push({ path: "/marketing", label: "nav.marketing" });
  if (has(permissions, "users:manage")) items.push({ path: "/admin", label: "nav.admin" });
  return items;
}

/** Where a user lands after signing in: an agent's queue, a rep's day, else the contacts. */
export function homeFor(permissions: Permissions): string {
  if (has(permissions, "tickets:write") && !has(permissions, "sales:write")) return "/queue";
  if (has(permissions, "sales:write")) return "/my-day";
  return "/contacts";
}

/** Who may edit contacts, move deals, complete activities, answer tickets. */
export const can = {
  editContacts: (permissions: Permissions) => has(permissions, "contacts:write"),
  moveDeals: (permissions: Permissions) => has(permissions, "sales:write"),
  answerTickets: (permissions: Permissions) => has(permissions, "tickets:write"),
  readArticles: (permissions: Permissions) => has(permissions, "kb:read"),
  importContacts: (permissions: Permissions) => has(permissions, "contacts:import"),
  exportContacts: (permissions: Permissions) => has(permissions, "contacts:export"),
  mergeContacts: (permissions: Permissions) => has(permissions, "contacts:merge"),
  editAccounts: (permissions: Permissions) => has(permissions, "accounts:write"),
};
