// The administration screens' texts (users and roles, custom fields, API keys): their
// routes add them (addMessages) when their chunk loads.

const en = {
  admin: {
    nav: "Administration", users: "Users", fields: "Custom fields", keys: "API keys",
    name: "Name", email: "Email", created: "Created", none: "Nothing here yet.", saved: "Saved.",
    roles: { admin: "Administrator", sales_manager: "Sales manager", sales_rep: "Sales rep", marketing: "Marketer",
      support_manager: "Support manager", support_agent: "Support agent", viewer: "Viewer" },
    user: {
      new: "New user", password: "Password", passwordHint: "At least 10 characters; the user can change it later.",
      role: "Role", active: "Active", lastLogin: "Last sign-in", never: "Never", create: "Create the user",
      created: "{{name}} can now sign in.", roleOf: "Role of {{name}}", activeOf: "{{name}} may sign in",
      changed: "{{name}} saved.", stale: "{{name}} was changed by someone else: the list has been reloaded. Try again.",
      disabled: "Disabled", self: "(you)", more: "Show more users", setPassword: "Set a new password for {{name}}", setPasswordShort: "Set a new password", newPassword: "New password for {{name}}", passwordSet: "{{name}} has a new password.",
    },
    field: {
      new: "New custom field", object: "On", objects: { contact: "Contacts", account: "Accounts" },
      label: "Label", key: "Key", keyHint: "Used by the API and imports: lower-case letters, digits and _.",
      type: "Type", types: { text: "Text", number: "Number", date: "Date", enum: "List of choices", boolean: "Yes / no" },
      options: "Choices (comma separated)", required: "Required", yes: "Yes", no: "No", create: "Add the field",
      created: "Field “{{label}}” added.", remove: "Delete “{{label}}”",
      confirmRemove: "Delete the field “{{label}}”? Its values on every record will no longer be shown.",
      removed: "Field “{{label}}” deleted.",
    },
    key: {
      new: "New API key", scopes: "Scopes", scopesHelp: "What this key may do; give it no more than the integration needs.",
      prefix: "Prefix", lastUsed: "Last used", revoked: "Revoked", active: "Active", create: "Create the key",
      secretTitle: "The key of “{{name}}”", secretHelp: "Copy it now: it is shown this once and cannot be read again.",
      copy: "Copy", copied: "Copied", done: "I have kept it", revoke: "Revoke “{{name}}”",
      confirmRevoke: "Revoke the key “{{name}}”? Integrations using it stop working at once.",
      revokedDone: "Key “{{name}}” revoked.", status: "Status",
      areas: { customers: "Customers", sales: "Sales", support: "Support", marketing: "Marketing", reporting: "Reporting", admin: "Administration", other: "Other" },
    },
  },
};

const fr: typeof en = {
  admin: {
    nav: "Administration", users: "Utilisateurs", fields: "Champs personnalisés", keys: "Clés d’API",
    name: "Nom", email: "E-mail", created: "Créé", none: "Rien pour l’instant.", saved: "Enregistré.",
    roles: { admin: "Administrateur", sales_manager: "Responsable commercial", sales_rep: "Commercial", marketing: "Marketing",
      support_manager: "Responsable support", support_agent: "Agent support", viewer: "Lecteur" },
    user: {
      new: "Nouvel utilisateur", password: "Mot de passe", passwordHint: "Au moins 10 caractères ; l’utilisateur pourra le changer.",
      role: "Rôle", active: "Actif", lastLogin: "Dernière connexion", never: "Jamais", create: "Créer l’utilisateur",
      created: "{{name}} peut maintenant se connecter.", roleOf: "Rôle de {{name}}", activeOf: "{{name}} peut se connecter",
      changed: "{{name}} enregistré.", stale: "{{name}} a été modifié par quelqu’un d’autre : la liste a été rechargée. Réessayez.",
      disabled: "Désactivé", self: "(vous)", more: "Afficher plus d’utilisateurs", setPassword: "Définir un nouveau mot de passe pour {{name}}", setPasswordShort: "Définir un nouveau mot de passe", newPassword: "Nouveau mot de passe de {{name}}", passwordSet: "{{name}} a un nouveau mot de passe.",
    },
    field: {
      new: "Nouveau champ personnalisé", object: "Sur", objects: { contact: "Contacts", account: "Comptes" },
      label: "Libellé", key: "Clé", keyHint: "Utilisée par l’API et les imports : minuscules, chiffres et _.",
      type: "Type", types: { text: "Texte", number: "Nombre", date: "Date", enum: "Liste de choix", boolean: "Oui / non" },
      options: "Choix (séparés par des virgules)", required: "Obligatoire", yes: "Oui", no: "Non", create: "Ajouter le champ",
      created: "Champ « {{label}} » ajouté.", remove: "Supprimer « {{label}} »",
      confirmRemove: "Supprimer le champ « {{label}} » ? Ses valeurs ne seront plus affichées sur aucune fiche.",
      removed: "Champ « {{label}} » supprimé.",
    },
    key: {
      new: "Nouvelle clé d’API", scopes: "Portées", scopesHelp: "Ce que cette clé permet ; ne donnez que ce dont l’intégration a besoin.",
      prefix: "Préfixe", lastUsed: "Dernière utilisation", revoked: "Révoquée", active: "Active", create: "Créer la clé",
      secretTitle: "La clé de « {{name}} »", secretHelp: "Copiez-la maintenant : elle n’est montrée qu’une fois et ne pourra plus être lue.",
      copy: "Copier", copied: "Copiée", done: "Je l’ai conservée", revoke: "Révoquer « {{name}} »",
      confirmRevoke: "Révoquer la clé « {{name}} » ? Les intégrations qui l’utilisent s’arrêtent aussitôt.",
      revokedDone: "Clé « {{name}} » révoquée.", status: "État",
      areas: { customers: "Clients", sales: "Ventes", support: "Support", marketing: "Marketing", reporting: "Rapports", admin: "Administration", other: "Autre" },
    },
  },
};

export const adminMessages = { en, fr };
