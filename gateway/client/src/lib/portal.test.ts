import { describe, expect, it } from "vitest";
import { afterSignIn, conversation, linkProblem, type PortalTicket } from "./portal";

describe("the customer portal", () => {
  it("tells why a link did not sign in", () => {
    expect(linkProblem(409)).toBe("used");
    expect(linkProblem(410)).toBe("expired");
    expect(linkProblem(401)).toBe("invalid");
    expect(linkProblem(422)).toBe("invalid");
  });

  it("reads a request as a conversation that starts with the customer's description", () => {
    const ticket: PortalTicket = {
      id: "t1", description: "It tears.", created_at: "2026-11-26T10:00:00Z",
      messages: [
        { id: "m2", body: "Thanks", author_type: "customer", created_at: "2026-11-26T12:00:00Z" },
        { id: "m1", body: "A new roll is on its way", author_type: "agent", created_at: "2026-11-26T11:00:00Z" },
      ],
    };
    expect(conversation(ticket).map((entry) => [entry.author, entry.body])).toEqual([
      ["you", "It tears."], ["agent", "A new roll is on its way"], ["you", "Thanks"]]);
    expect(conversation({ id: "t2", messages: [] })).toEqual([]);
  });

  it("returns only to a portal page after signing in", () => {
    expect(afterSignIn("/portal/tickets/t1")).toBe("/portal/tickets/t1");
    expect(afterSignIn("/contacts")).toBe("/portal");
    expect(afterSignIn("/portal/sign-in?token=x")).toBe("/portal");
    expect(afterSignIn("/portal//evil.example")).toBe("/portal");
    expect(afterSignIn(null)).toBe("/portal");
  });
});
