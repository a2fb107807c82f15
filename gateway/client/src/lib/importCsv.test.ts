import { describe, expect, it } from "vitest";
import { doubleMapped, errorReport, guessField, guessMapping, mappingOf, parseCsv, rowMessages, sniffDelimiter } from "./importCsv";

describe("the CSV preview", () => {
  it("reads quotes, doubled quotes, line breaks in quotes and CRLF", () => {
    const text = '\uFEFFFirst Name,Last Name,Notes\r\nAda,Lovelace,"Countess, ""Ada"""\r\nCharles,Babbage,"two\nlines"\r\n\r\nZoë,Lefèvre,\r\n';
    const { headers, rows, delimiter } = parseCsv(text, 10);
    expect(delimiter).toBe(",");
    expect(headers).toEqual(["First Name", "Last Name", "Notes"]);
    expect(rows).toEqual([["Ada", "Lovelace", 'Countess, "Ada"'], ["Charles", "Babbage", "two\nlines"], ["Zoë", "Lefèvre", ""]]);
  });

  it("stops after the rows it shows, and finds the delimiter as the service does", () => {
    expect(parseCsv("a;b\n1;2\n3;4\n5;6", 2).rows).toEqual([["1", "2"], ["3", "4"]]);
    expect(parseCsv("a;b\n1;2", 5).rows).toEqual([["1", "2"]]);
    expect(sniffDelimiter('"a,b";c;d')).toBe(";");
    expect(sniffDelimiter("a\tb\tc")).toBe("\t");
    expect(sniffDelimiter("single")).toBe(",");
  });
});

describe("the column mapping", () => {
  it("guesses fields from common spellings in English and French", () => {
    expect(["First_Name", "E-mail", "Société", "Job Title", "Code postal", "cf_shoe_size", "Notes"].map(guessField))
      .toEqual(["first_name", "email", "account", "title", "postal_code", "custom_fields.shoe_size", ""]);
    expect(guessMapping(["Email", "Mail", "Nom"])).toEqual(["email", "", "last_name"]);
  });

  it("sends every column, the ignored ones blank, and finds a field chosen twice", () => {
    expect(mappingOf(["Nom", "Courriel", "Notes"], ["last_name", "email", ""]))
      .toEqual({ Nom: "last_name", Courriel: "email", Notes: "" });
    expect(doubleMapped(["email", "", "email", "city", ""])).toEqual(["email"]);
  });
});

describe("the error report", () => {
  it("has a line per message, quoted where needed", () => {
    expect(errorReport([{ line: 7, errors: { row: ["expected 7 columns, found 3"] } },
      { line: 8, errors: { email: ["not a valid email, \"x\""] } }]))
      .toBe('line,field,message\r\n7,row,"expected 7 columns, found 3"\r\n8,email,"not a valid email, ""x"""\r\n');
  });
});

describe("a row's errors", () => {
  it("reads as field and message pairs, nested fields dotted", () => {
    expect(rowMessages({ email: ["not valid"], custom_fields: { size: ["a number"] } })).toEqual([
      { field: "email", message: "not valid" }, { field: "custom_fields.size", message: "a number" }]);
  });
});
