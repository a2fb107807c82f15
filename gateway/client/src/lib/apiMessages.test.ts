import { beforeAll, describe, expect, it } from "vitest";
import { joinTitleDetail, loadApiMessages, translateApiMessage as tr, translateFieldErrors } from "./apiMessages";
import { FRENCH as apiMessageCatalogue } from "./apiMessages.fr";

beforeAll(() => loadApiMessages("fr"));

const fr = (message: string) => tr(message, "fr");

describe("the API's messages in French", () => {
  it("translates marshmallow's and the gateway's exact messages", () => {
    expect(fr("Missing data for required field.")).toBe("Ce champ est obligatoire.");
    expect(fr("Not a valid email address.")).toBe("Ce n’est pas une adresse e-mail valide.");
    expect(fr("Invalid input")).toBe("Saisie non valide");
    expect(fr("the input is not valid")).toBe("la saisie n’est pas valide");
    expect(fr("Not Found")).toBe("Introuvable");
    expect(fr("Too many requests")).toBe("Trop de requêtes");
  });

  it("fills templated messages with the API's values", () => {
    expect(fr("Must be one of: lead, customer.")).toBe("Doit être l’une des valeurs suivantes : lead, customer.");
    expect(fr("Length must be between 1 and 200.")).toBe("La longueur doit être comprise entre 1 et 200.");
    expect(fr("Longer than maximum length 100.")).toBe("Trop long : la longueur maximale est de 100.");
    expect(fr("must be at most 100 characters")).toBe("doit faire au plus 100 caractères");
    expect(fr("must be one of: red, green")).toBe("doit être l’une des valeurs suivantes : red, green");
    expect(fr("the contacts service did not answer in 2.5s")).toBe("le service contacts n’a pas répondu en 2.5 s");
  });

  it("prefers the most specific template", () => {
    expect(fr("Must be greater than or equal to 0.")).toBe("Doit être supérieur ou égal à 0.");
    expect(fr("Must be greater than 0.")).toBe("Doit être supérieur à 0.");
    expect(fr("Must be greater than or equal to 1 and less than or equal to 500."))
      .toBe("Doit être supérieur ou égal à 1 et inférieur ou égal à 500.");
    expect(fr("at least 10 characters")).toBe("au moins 10 caractères");
    expect(fr("at least 0.01")).toBe("au moins 0.01");
  });

  it("translates the words it knows inside a message, and nested messages", () => {
    expect(fr("no opportunity o-1")).toBe("affaire o-1 introuvable");
    expect(fr("a won opportunity cannot change stage: reopen it first"))
      .toBe("une affaire gagnée ne peut pas changer d’étape : rouvrez-la d’abord");
    expect(fr("a solved ticket cannot become new (allowed: open, closed)"))
      .toBe("un ticket résolu ne peut pas passer à l’état « nouveau » (possibles : open, closed)");
    expect(fr("not a valid email address: An email address must have an @-sign."))
      .toBe("adresse e-mail non valide : Une adresse e-mail doit contenir un @.");
    expect(fr("not a valid email address: Something new.")).toBe("adresse e-mail non valide : Something new.");
  });

  it("translates the custom fields' messages", () => {
    const errors = { "custom_fields.size": ["must be a number"], "custom_fields.due": ["must be a date as YYYY-MM-DD"],
      "custom_fields.tier": ["required"], "custom_fields.nope": ["unknown custom field"] };
    expect(translateFieldErrors(errors, "fr")).toEqual({ "custom_fields.size": ["doit être un nombre"],
      "custom_fields.due": ["doit être une date au format AAAA-MM-JJ"], "custom_fields.tier": ["obligatoire"],
      "custom_fields.nope": ["champ personnalisé inconnu"] });
  });

  it("keeps a message it does not know as the API wrote it", () => {
    expect(fr("Something nobody wrote down.")).toBe("Something nobody wrote down.");
    expect(fr("no member 12")).toBe("no member 12");  // not a record's kind: left alone
    expect(fr("at most 10 fields")).toBe("at most 10 fields");  // not "au plus 10 fields"
    expect(fr("")).toBe("");
  });

  it("leaves English as it is", () => {
    expect(tr("Missing data for required field.", "en")).toBe("Missing data for required field.");
    expect(tr("Must be one of: a, b.", "en-GB")).toBe("Must be one of: a, b.");
    expect(tr("required", undefined)).toBe("required");
    expect(tr("required", "fr-CA")).toBe("obligatoire");
  });

  it("joins a title and its detail as each language writes it", () => {
    expect(joinTitleDetail("Conflit", "déjà utilisé", "fr")).toBe("Conflit : déjà utilisé");
    expect(joinTitleDetail("Conflict", "already taken", "en")).toBe("Conflict: already taken");
    expect(joinTitleDetail("Conflict", undefined, "en")).toBe("Conflict");
  });

  it("has the same placeholders on both sides of every entry", () => {
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    for (const [english, french] of Object.entries(apiMessageCatalogue)) {
      expect(names(french), english).toEqual(names(english));
    }
  });
});
