import { describe, expect, it } from "vitest";
import { can, homeFor, navFor } from "./nav";

// What GET /auth/me says of a few roles (gateway/gateway/permissions.py), in short.
const REP = ["contacts:read", "contacts:write", "sales:read", "sales:write", "tickets:read"];
const AGENT = ["contacts:read", "contacts:write", "sales:read", "tickets:read", "tickets:write"];
const VIEWER = ["contacts:read", "sales:read", "tickets:read"];
const ADMIN = [...new Set([...REP, ...AGENT, "users:manage"])];

const paths = (permissions: string[]) => navFor(permissions).map((item) => item.path);

describe("navigation by permission", () => {
  it("shows each user the screens their permissions open", () => {
    expect(paths(REP)).toEqual(["/my-day", "/contacts", "/pipeline"]);
    expect(paths(AGENT)).toEqual(["/contacts", "/pipeline", "/queue"]);
    expect(paths(VIEWER)).toEqual(["/contacts", "/pipeline"]);
    expect(paths(ADMIN)).toEqual(["/my-day", "/contacts", "/pipeline", "/queue", "/admin"]);
    expect(paths([])).toEqual([]);
    expect(navFor(undefined)).toEqual([]);
    expect(paths([...VIEWER, "accounts:read"])).toEqual(["/contacts", "/accounts", "/pipeline"]);
  });

  it("lands each user on their day's work", () => {
    expect(homeFor(REP)).toBe("/my-day");
    expect(homeFor(AGENT)).toBe("/queue");
    expect(homeFor(ADMIN)).toBe("/my-day");
    expect(homeFor(VIEWER)).toBe("/contacts");
  });

  it("offers an action only to who may do it", () => {
    expect(can.moveDeals(REP)).toBe(true);
    expect(can.moveDeals(AGENT)).toBe(false);
    expect(can.answerTickets(AGENT)).toBe(true);
    expect(can.editContacts(VIEWER)).toBe(false);
    expect(can.editAccounts(VIEWER)).toBe(false);
    expect(can.editAccounts([...VIEWER, "accounts:write"])).toBe(true);
  });
});

describe("navigation to the dashboards, marketing and admin screens", () => {
  it("shows the dashboards to who may read them", () => {
    expect(paths(["contacts:read", "dashboards:read"])).toEqual(["/contacts", "/dashboards"]);
    expect(paths(VIEWER)).not.toContain("/dashboards");
  });

  it("shows marketing to who works on it", () => {
    expect(paths(["contacts:read", "marketing:read", "marketing:write", "dashboards:read"])).toEqual(["/contacts", "/dashboards", "/marketing"]);
    expect(paths([...REP, "marketing:read"])).not.toContain("/marketing");
  });

  it("shows the administration to admins", () => {
    expect(paths(ADMIN)).toContain("/admin");
    expect(paths(REP)).not.toContain("/admin");
  });
});

describe("navigation to the sales and support managers' screens", () => {
  it("shows the forecast to who may read it", () => {
    expect(paths([...REP, "forecast:read"])).toEqual(["/my-day", "/contacts", "/pipeline", "/forecast"]);
    expect(paths(AGENT)).not.toContain("/forecast");
  });

  it("shows the team backlog to who manages support", () => {
    expect(paths([...AGENT, "support:manage"])).toEqual(["/contacts", "/pipeline", "/queue", "/backlog"]);
    expect(paths(AGENT)).not.toContain("/backlog");
  });
});
