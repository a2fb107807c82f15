// The contacts and accounts screens' texts (list, saved views, duplicates and merge, import,
// accounts and the account 360), added by `useContactMessages` when one of their chunks loads.
import { addMessages } from "../i18n";

const en = {
  contactList: {
    city: "City", country: "Country", tag: "Tag", mine: "Only my contacts", clear: "Clear filters",
    export: "Export CSV", import: "Import", duplicates: "Duplicates",
    help: "In the list, ↑ and ↓ move between contacts, Page Up and Page Down by a screen, Home and End to the ends; Enter opens the contact.",
    table: "Contacts matching the filters",
  },
  views: {
    label: "Saved view", none: "— No saved view —", save: "Save view", saveTitle: "Save the current search, filters and sort",
    name: "Name of the view", create: "Save", delete: "Delete view “{{name}}”", saved: "View “{{name}}” saved.",
    deleted: "View “{{name}}” deleted.", applied: "View “{{name}}” applied.", failed: "The saved views could not be loaded.",
  },
  dupes: {
    title: "Duplicates of {{name}}", back: "Back to the contact", none: "No probable duplicate of this contact.",
    score: "Likeness {{score}} %", compare: "Compare and merge", candidates: "Probable duplicates",
    mergeTitle: "Merge {{other}} into {{name}}", help: "Choose, field by field, which value the merged contact keeps. Tags are combined; {{other}} is retired and its history moves to {{name}}.",
    same: "The two contacts hold the same values: merging keeps them and combines the tags.",
    this: "This contact", other: "The duplicate", empty: "(empty)", merge: "Merge into this contact", merging: "Merging…",
    merged: "{{other}} merged into {{name}}.", cancel: "Cancel",
    stale: "This contact was changed by someone else since you opened this page: the comparison now shows its new values. Check your choices and merge again.",
    conflict: "This merge cannot be done: {{reason}}", gone: "The duplicate no longer exists (it was merged or erased): the list has been refreshed.",
    viewAll: "Duplicates",
    reasons: { same_email: "Same email", same_phone: "Same phone",
      same_name_same_company: "Same name at the same company", same_name_similar_company: "Same name at a similar company ({{company}} %)",
      similar_name_same_company: "Similar name ({{name}} %) at the same company", similar_name_similar_company: "Similar name ({{name}} %) at a similar company ({{company}} %)",
      same_name_unknown_company: "Same name, company unknown", similar_name_unknown_company: "Similar name ({{name}} %), company unknown", raw: "{{text}}" },
  },
};

type Messages = typeof en;

const fr: Messages = {
  contactList: {
    city: "Ville", country: "Pays", tag: "Étiquette", mine: "Seulement mes contacts", clear: "Effacer les filtres",
    export: "Exporter en CSV", import: "Importer", duplicates: "Doublons",
    help: "Dans la liste, ↑ et ↓ passent d’un contact à l’autre, Page préc. et Page suiv. d’un écran, Début et Fin aux extrémités ; Entrée ouvre le contact.",
    table: "Contacts correspondant aux filtres",
  },
  views: {
    label: "Vue enregistrée", none: "— Aucune vue enregistrée —", save: "Enregistrer la vue", saveTitle: "Enregistrer la recherche, les filtres et le tri actuels",
    name: "Nom de la vue", create: "Enregistrer", delete: "Supprimer la vue « {{name}} »", saved: "Vue « {{name}} » enregistrée.",
    deleted: "Vue « {{name}} » supprimée.", applied: "Vue « {{name}} » appliquée.", failed: "Les vues enregistrées n’ont pas pu être chargées.",
  },
  dupes: {
    title: "Doublons de {{name}}", back: "Retour au contact", none: "Aucun doublon probable de ce contact.",
    score: "Ressemblance {{score}} %", compare: "Comparer et fusionner", candidates: "Doublons probables",
    mergeTitle: "Fusionner {{other}} dans {{name}}", help: "Choisissez, champ par champ, la valeur que garde le contact fusionné. Les étiquettes sont réunies ; {{other}} est retiré et son historique passe à {{name}}.",
    same: "Les deux contacts ont les mêmes valeurs : la fusion les garde et réunit les étiquettes.",
    this: "Ce contact", other: "Le doublon", empty: "(vide)", merge: "Fusionner dans ce contact", merging: "Fusion…",
    merged: "{{other}} fusionné dans {{name}}.", cancel: "Annuler",
    stale: "Quelqu’un d’autre a modifié ce contact depuis l’ouverture de cette page : la comparaison montre maintenant ses nouvelles valeurs. Vérifiez vos choix et fusionnez à nouveau.",
    conflict: "Cette fusion est impossible : {{reason}}", gone: "Le doublon n’existe plus (fusionné ou effacé) : la liste a été actualisée.",
    viewAll: "Doublons",
    reasons: { same_email: "Même e-mail", same_phone: "Même téléphone",
      same_name_same_company: "Même nom dans la même entreprise", same_name_similar_company: "Même nom dans une entreprise proche ({{company}} %)",
      similar_name_same_company: "Nom proche ({{name}} %) dans la même entreprise", similar_name_similar_company: "Nom proche ({{name}} %) dans une entreprise proche ({{company}} %)",
      same_name_unknown_company: "Même nom, entreprise inconnue", similar_name_unknown_company: "Nom proche ({{name}} %), entreprise inconnue", raw: "{{text}}" },
  },
};

export const contactMessages = { en, fr };

let added = false;
/** Adds the texts once; each of the screens' modules calls it as it loads. */
export function addContactMessages(): void {
  if (!added) addMessages(contactMessages);
  added = true;
}
