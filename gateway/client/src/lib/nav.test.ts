import { describe, expect, it } from "vitest";
import { can, homeFor, navFor } from "./nav";

const paths = (role: string) => navFor(role).map((item) => item.path);

describe("navigation by role", () => {
  it("shows each role its own screens", () => {
    expect(paths("sales_rep")).toEqual(["/my-day", "/contacts", "/pipeline"]);
    expect(paths("support_agent")).toEqual(["/contacts", "/pipeline", "/queue"]);
    expect(paths("viewer")).toEqual(["/contacts", "/pipeline"]);
    expect(paths("admin")).toEqual(["/my-day", "/contacts", "/pipeline", "/queue"]);
    expect(paths("nobody")).toEqual([]);
  });

  it("lands each role on its day's work", () => {
    expect(homeFor("sales_rep")).toBe("/my-day");
    expect(homeFor("support_agent")).toBe("/queue");
    expect(homeFor("marketing")).toBe("/contacts");
  });

  it("lets only sales roles move deals and only support roles answer tickets", () => {
    expect(can.moveDeals("sales_rep")).toBe(true);
    expect(can.moveDeals("support_agent")).toBe(false);
    expect(can.answerTickets("support_agent")).toBe(true);
    expect(can.editContacts("viewer")).toBe(false);
  });
});
