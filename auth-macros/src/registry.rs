//! The provider registry: `providers.toml` (built in) and an optional file of the user's own,
//! read into [`ProviderSpec`]s. Errors name the file, the line and the key.

use std::collections::BTreeMap;
use std::fmt;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The built-in registry, embedded at the macro's compile time. The file lives at the workspace
/// root (it is data shared with the runtime and the docs); `include_str!` makes an edit rebuild
/// this crate.
pub const BUILTIN: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../providers.toml"));

/// The name the built-in registry is reported under.
pub const BUILTIN_NAME: &str = "providers.toml (built in)";

/// What an endpoint URL starts with when the endpoints live on each deployment's own instance
/// (`{issuer}/oauth/token`): the runtime puts the configured issuer there.
pub const ISSUER_PLACEHOLDER: &str = "{issuer}";

/// `kind` of a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// OAuth 2.
    OAuth,
    /// OpenID Connect.
    Oidc,
    /// Magic links.
    Email,
    /// A form checked by `authorize`.
    Credentials,
    /// Passkeys.
    WebAuthn,
}

impl Kind {
    /// In the order of the shared vocabulary's `KINDS`.
    const ALL: [(&'static str, Kind); 5] = [
        (auth_vocabulary::KINDS[0], Kind::OAuth),
        (auth_vocabulary::KINDS[1], Kind::Oidc),
        (auth_vocabulary::KINDS[2], Kind::Email),
        (auth_vocabulary::KINDS[3], Kind::Credentials),
        (auth_vocabulary::KINDS[4], Kind::WebAuthn),
    ];

    /// The registry's name of the kind.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, kind)| *kind == self)
            .map_or("oauth", |(name, _)| name)
    }

    fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(name, _)| *name == value)
            .map(|(_, kind)| *kind)
    }
}

/// `[<id>.endpoints]`.
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    /// Authorization URL.
    pub authorization: Option<String>,
    /// Token URL.
    pub token: Option<String>,
    /// Userinfo URL.
    pub userinfo: Option<String>,
}

/// `[<id>.style]`.
#[derive(Debug, Clone, Default)]
pub struct Style {
    /// Logo file.
    pub logo: Option<String>,
    /// Background colour.
    pub bg: Option<String>,
    /// Text colour.
    pub text: Option<String>,
    /// Brand colour.
    pub brand_color: Option<String>,
}

/// One `[<id>.user]` line: the User field and the alternatives of `a ?? b`, each a profile key
/// path (a literal profile member, or dotted segments).
#[derive(Debug, Clone)]
pub struct UserField {
    /// `id`, `name`, `email` or `image`.
    pub field: String,
    /// Alternatives, first non-null wins; each is a path of object keys.
    pub alternatives: Vec<Vec<String>>,
}

/// One provider of the registry.
#[derive(Debug, Clone)]
pub struct ProviderSpec {
    /// Id (`github`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: Kind,
    /// Built-in issuer.
    pub issuer: Option<String>,
    /// The issuer comes from `AUTH_<ID>_ISSUER` or the builder.
    pub issuer_required: bool,
    /// Endpoints, when not discovered.
    pub endpoints: Option<Endpoints>,
    /// `requires`: `adapter`, `experimental.enable_webauthn`.
    pub requires: Vec<String>,
    /// Profile member -> Rust type, in file order.
    pub profile: Vec<(String, String)>,
    /// Profile -> User mapping.
    pub user: Vec<UserField>,
    /// Button style.
    pub style: Style,
    /// `checks`; `None` keeps the runtime default (PKCE).
    pub checks: Option<Vec<String>>,
    /// Named behaviours the runtime implements.
    pub quirks: Vec<String>,
    /// `id_token`: take the OIDC profile from the ID token.
    pub id_token: Option<bool>,
    /// `token_endpoint_auth_method`.
    pub token_auth_method: Option<String>,
    /// `response_mode = "form_post"`.
    pub form_post: bool,
    /// `authorization_params`, `scope` included.
    pub authorization_params: Vec<(String, String)>,
    /// The file the entry came from.
    pub source: String,
}

impl ProviderSpec {
    /// An entry with nothing but its identity and origin.
    pub fn new(id: &str, name: &str, kind: Kind, source: &str) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            kind,
            issuer: None,
            issuer_required: false,
            endpoints: None,
            requires: Vec::new(),
            profile: Vec::new(),
            user: Vec::new(),
            style: Style::default(),
            checks: None,
            quirks: Vec::new(),
            id_token: None,
            token_auth_method: None,
            form_post: false,
            authorization_params: Vec::new(),
            source: source.to_owned(),
        }
    }

    /// Whether the provider can find its endpoints: an issuer (built in or required from the
    /// environment) or the three URLs.
    pub fn has_endpoints(&self) -> bool {
        if !matches!(self.kind, Kind::OAuth | Kind::Oidc) {
            return true;
        }
        let urls = self.endpoints.as_ref().is_some_and(|e| {
            e.authorization.is_some() && e.token.is_some() && e.userinfo.is_some()
        });
        self.issuer.is_some() || self.issuer_required || urls
    }
}

/// A registry error: file, line, key and what is wrong.
#[derive(Debug, Clone)]
pub struct RegistryError {
    /// File name as the user gave it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// Dotted key (`github.kind`), empty for a syntax error.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(
                f,
                "malformed provider registry {}:{}: {}",
                self.file, self.line, self.message
            )
        } else {
            write!(
                f,
                "malformed provider registry {}:{}: key `{}`: {}",
                self.file, self.line, self.key, self.message
            )
        }
    }
}

/// Providers by id.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Providers, by id.
    pub providers: BTreeMap<String, ProviderSpec>,
}

impl Registry {
    /// The built-in registry.
    pub fn builtin() -> Result<Self, RegistryError> {
        Self::parse(BUILTIN, BUILTIN_NAME)
    }

    /// Reads a registry file's text.
    pub fn parse(text: &str, file: &str) -> Result<Self, RegistryError> {
        let reader = Reader { text, file };
        let root = DeTable::parse(text).map_err(|e| RegistryError {
            file: file.to_owned(),
            line: e.span().map_or(1, |s| reader.line(s.start)),
            key: String::new(),
            message: e.message().trim().to_owned(),
        })?;
        let mut providers = BTreeMap::new();
        for (key, value) in root.get_ref() {
            let id = key.get_ref().as_ref().to_owned();
            let spec = reader.provider(&id, value)?;
            providers.insert(id, spec);
        }
        Ok(Self { providers })
    }

    /// Entries of `other` replace entries with the same id; new ids are added.
    pub fn merge(&mut self, other: Registry) {
        self.providers.extend(other.providers);
    }

    /// Every id, for did-you-mean.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.providers.keys().map(String::as_str)
    }
}

struct Reader<'a> {
    text: &'a str,
    file: &'a str,
}

type Table<'i> = DeTable<'i>;

impl Reader<'_> {
    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn error(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        message: impl Into<String>,
    ) -> RegistryError {
        RegistryError {
            file: self.file.to_owned(),
            line: self.line(span.start),
            key: key.to_owned(),
            message: message.into(),
        }
    }

    fn table<'t, 'i>(
        &self,
        value: &'t Spanned<DeValue<'i>>,
        key: &str,
    ) -> Result<&'t Table<'i>, RegistryError> {
        value.get_ref().as_table().ok_or_else(|| {
            self.error(
                value.span(),
                key,
                format!("expected a table, found {}", value.get_ref().type_str()),
            )
        })
    }

    fn string(&self, value: &Spanned<DeValue<'_>>, key: &str) -> Result<String, RegistryError> {
        value.get_ref().as_str().map(str::to_owned).ok_or_else(|| {
            self.error(
                value.span(),
                key,
                format!("expected a string, found {}", value.get_ref().type_str()),
            )
        })
    }

    fn bool(&self, value: &Spanned<DeValue<'_>>, key: &str) -> Result<bool, RegistryError> {
        value.get_ref().as_bool().ok_or_else(|| {
            self.error(
                value.span(),
                key,
                format!(
                    "expected true or false, found {}",
                    value.get_ref().type_str()
                ),
            )
        })
    }

    fn strings(
        &self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
    ) -> Result<Vec<String>, RegistryError> {
        let array = value.get_ref().as_array().ok_or_else(|| {
            self.error(
                value.span(),
                key,
                format!(
                    "expected an array of strings, found {}",
                    value.get_ref().type_str()
                ),
            )
        })?;
        array
            .into_iter()
            .map(|item| self.string(item, key))
            .collect()
    }

    fn string_map(
        &self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
    ) -> Result<Vec<(String, String)>, RegistryError> {
        let table = self.table(value, key)?;
        table
            .iter()
            .map(|(k, v)| {
                let name = k.get_ref().as_ref().to_owned();
                let full = format!("{key}.{name}");
                Ok((name, self.string(v, &full)?))
            })
            .collect()
    }

    /// Endpoints relative to the deployment's instance: `{issuer}` first, then the path, and only
    /// where the issuer is the deployment's own (`issuer_required = true`).
    fn instance_endpoints(
        &self,
        spec: &ProviderSpec,
        endpoints: &Endpoints,
        span: std::ops::Range<usize>,
        key: &str,
    ) -> Result<(), RegistryError> {
        let urls = [
            ("authorization", &endpoints.authorization),
            ("token", &endpoints.token),
            ("userinfo", &endpoints.userinfo),
        ];
        for (name, url) in urls {
            let Some(url) = url.as_deref() else { continue };
            if !url.contains(ISSUER_PLACEHOLDER) {
                continue;
            }
            let key = format!("{key}.{name}");
            let rest = url.strip_prefix(ISSUER_PLACEHOLDER).unwrap_or(url);
            if !url.starts_with(ISSUER_PLACEHOLDER)
                || rest.contains(ISSUER_PLACEHOLDER)
                || !(rest.is_empty() || rest.starts_with('/'))
            {
                return Err(self.error(
                    span,
                    &key,
                    format!(
                        "`{ISSUER_PLACEHOLDER}` stands for the instance's URL: write it once, first, followed by the path (\"{ISSUER_PLACEHOLDER}/oauth/token\")"
                    ),
                ));
            }
            if !spec.issuer_required {
                return Err(self.error(
                    span,
                    &key,
                    format!(
                        "an endpoint relative to `{ISSUER_PLACEHOLDER}` needs `issuer_required = true` (the instance's URL comes from AUTH_{}_ISSUER)",
                        spec.id.to_ascii_uppercase().replace('-', "_")
                    ),
                ));
            }
        }
        Ok(())
    }

    fn provider(
        &self,
        id: &str,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<ProviderSpec, RegistryError> {
        let table = self.table(value, id)?;
        let mut name = None;
        let mut kind = None;
        let mut user_lines: Vec<(String, String)> = Vec::new();
        let mut endpoints_at = None;
        let mut spec = ProviderSpec::new(id, "", Kind::OAuth, self.file);
        for (k, v) in table {
            let field = k.get_ref().as_ref();
            let key = format!("{id}.{field}");
            match field {
                "name" => name = Some(self.string(v, &key)?),
                "kind" => {
                    let text = self.string(v, &key)?;
                    kind = Some(Kind::parse(&text).ok_or_else(|| {
                        self.error(
                            v.span(),
                            &key,
                            format!(
                                "unknown kind `{text}`, expected one of {}",
                                auth_vocabulary::KINDS.join(", ")
                            ),
                        )
                    })?);
                }
                "issuer" => spec.issuer = Some(self.string(v, &key)?),
                "issuer_required" => spec.issuer_required = self.bool(v, &key)?,
                "requires" => spec.requires = self.strings(v, &key)?,
                "checks" => {
                    let checks = self.strings(v, &key)?;
                    if let Some(bad) = checks
                        .iter()
                        .find(|c| !auth_vocabulary::CHECKS.contains(&c.as_str()))
                    {
                        return Err(self.error(
                            v.span(),
                            &key,
                            format!(
                                "unknown check `{bad}`, expected one of {}",
                                auth_vocabulary::CHECKS.join(", ")
                            ),
                        ));
                    }
                    spec.checks = Some(checks);
                }
                "quirks" => {
                    let quirks = self.strings(v, &key)?;
                    if let Some(bad) = quirks
                        .iter()
                        .find(|q| !auth_vocabulary::QUIRKS.contains(&q.as_str()))
                    {
                        let hint = match crate::attr::did_you_mean(bad, auth_vocabulary::QUIRKS) {
                            Some(near) => format!("did you mean `{near}`?"),
                            None => format!(
                                "the runtime's quirks are {}",
                                auth_vocabulary::QUIRKS.join(", ")
                            ),
                        };
                        return Err(self.error(
                            v.span(),
                            &key,
                            format!("unknown quirk `{bad}`: {hint}"),
                        ));
                    }
                    spec.quirks = quirks;
                }
                "id_token" => spec.id_token = Some(self.bool(v, &key)?),
                "experimental" => {
                    self.bool(v, &key)?;
                }
                "token_endpoint_auth_method" => {
                    let method = self.string(v, &key)?;
                    if !auth_vocabulary::TOKEN_AUTH_METHODS.contains(&method.as_str()) {
                        return Err(self.error(
                            v.span(),
                            &key,
                            format!(
                                "unsupported method `{method}`, expected one of {}",
                                auth_vocabulary::TOKEN_AUTH_METHODS.join(", ")
                            ),
                        ));
                    }
                    spec.token_auth_method = Some(method);
                }
                "response_mode" => {
                    let mode = self.string(v, &key)?;
                    match mode.as_str() {
                        "query" => {}
                        "form_post" => spec.form_post = true,
                        _ => {
                            return Err(self.error(
                                v.span(),
                                &key,
                                format!(
                                    "unknown response mode `{mode}`, expected query or form_post"
                                ),
                            ));
                        }
                    }
                }
                "from" => {
                    self.string(v, &key)?;
                }
                "max_age" => {
                    if v.get_ref().as_integer().is_none() {
                        return Err(self.error(v.span(), &key, "expected an integer (seconds)"));
                    }
                }
                "endpoints" => {
                    let mut endpoints = Endpoints::default();
                    for (name, url) in self.string_map(v, &key)? {
                        match name.as_str() {
                            "authorization" => endpoints.authorization = Some(url),
                            "token" => endpoints.token = Some(url),
                            "userinfo" => endpoints.userinfo = Some(url),
                            other => {
                                return Err(self.error(
                                    v.span(),
                                    &format!("{key}.{other}"),
                                    "unknown endpoint, expected authorization, token or userinfo",
                                ));
                            }
                        }
                    }
                    spec.endpoints = Some(endpoints);
                    endpoints_at = Some((v.span(), key.clone()));
                }
                "authorization_params" => spec.authorization_params = self.string_map(v, &key)?,
                "profile" => spec.profile = self.string_map(v, &key)?,
                "user" => {
                    for (field, expression) in self.string_map(v, &key)? {
                        if !auth_vocabulary::USER_FIELDS.contains(&field.as_str()) {
                            return Err(self.error(
                                v.span(),
                                &format!("{key}.{field}"),
                                format!(
                                    "unknown User field, expected one of {}",
                                    auth_vocabulary::USER_FIELDS.join(", ")
                                ),
                            ));
                        }
                        user_lines.push((field, expression));
                    }
                }
                "style" => {
                    for (name, text) in self.string_map(v, &key)? {
                        match name.as_str() {
                            "logo" => spec.style.logo = Some(text),
                            "bg" => spec.style.bg = Some(text),
                            "text" => spec.style.text = Some(text),
                            "brand_color" => spec.style.brand_color = Some(text),
                            other => {
                                return Err(self.error(
                                    v.span(),
                                    &format!("{key}.{other}"),
                                    "unknown style key, expected logo, bg, text or brand_color",
                                ));
                            }
                        }
                    }
                }
                _ => return Err(self.error(k.span(), &key, "unknown key")),
            }
        }
        spec.name = name.ok_or_else(|| {
            self.error(
                value.span(),
                &format!("{id}.name"),
                "missing (the display name)",
            )
        })?;
        spec.kind = kind.ok_or_else(|| {
            self.error(
                value.span(),
                &format!("{id}.kind"),
                "missing (oauth, oidc, email, credentials or webauthn)",
            )
        })?;
        if let (Some((span, key)), Some(endpoints)) = (endpoints_at, &spec.endpoints) {
            self.instance_endpoints(&spec, endpoints, span, &key)?;
        }
        let profile_keys: Vec<String> = spec.profile.iter().map(|(k, _)| k.clone()).collect();
        for (field, expression) in user_lines {
            let alternatives = expression
                .split("??")
                .map(str::trim)
                .map(|term| {
                    if profile_keys.iter().any(|k| k == term) {
                        vec![term.to_owned()]
                    } else {
                        term.split('.').map(str::to_owned).collect()
                    }
                })
                .collect();
            spec.user.push(UserField {
                field,
                alternatives,
            });
        }
        if spec.user.is_empty() && matches!(spec.kind, Kind::OAuth | Kind::Oidc) {
            spec.user = default_user_mapping();
        }
        Ok(spec)
    }
}

/// Auth.js's default profile mapping, as the shared vocabulary defines it.
fn default_user_mapping() -> Vec<UserField> {
    auth_vocabulary::DEFAULT_USER_MAPPING
        .iter()
        .map(|(field, alternatives)| UserField {
            field: (*field).to_owned(),
            alternatives: alternatives
                .iter()
                .map(|path| path.iter().map(|key| (*key).to_owned()).collect())
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_registry_reads() {
        let registry = Registry::builtin().expect("built-in registry");
        let github = &registry.providers["github"];
        assert_eq!(github.name, "GitHub");
        assert_eq!(github.kind, Kind::OAuth);
        assert!(github.has_endpoints());
        let name = github
            .user
            .iter()
            .find(|u| u.field == "name")
            .expect("name mapping");
        assert_eq!(
            name.alternatives,
            vec![vec!["name".to_owned()], vec!["login".to_owned()]]
        );
        assert!(registry.providers["keycloak"].issuer_required);
        assert_eq!(registry.providers["passkey"].requires.len(), 2);
    }

    #[test]
    fn dotted_user_paths_walk_objects_but_literal_members_stay_whole() {
        let registry = Registry::builtin().expect("built-in registry");
        let twitter = &registry.providers["twitter"];
        let id = twitter
            .user
            .iter()
            .find(|u| u.field == "id")
            .expect("id mapping");
        assert_eq!(
            id.alternatives,
            vec![vec!["data".to_owned(), "id".to_owned()]]
        );
    }

    #[test]
    fn malformed_registry_names_file_line_and_key() {
        let text = "[acme]\nname = \"Acme\"\nkind = \"oath\"\n";
        let err = Registry::parse(text, "auth-providers.toml").unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.key, "acme.kind");
        assert_eq!(
            err.to_string(),
            "malformed provider registry auth-providers.toml:3: key `acme.kind`: unknown kind `oath`, expected one of oauth, oidc, email, credentials, webauthn"
        );
        let err = Registry::parse("[acme\nname = 1", "x.toml").unwrap_err();
        assert_eq!(err.line, 1);
    }

    #[test]
    fn user_registry_is_merged_over_the_builtin_one() {
        let mut registry = Registry::builtin().expect("built-in registry");
        let count = registry.providers.len();
        let user = "[acme]\nname = \"Acme\"\nkind = \"oidc\"\nissuer = \"https://sso.acme.test\"\n\n\
                    [github]\nname = \"GitHub Enterprise\"\nkind = \"oauth\"\nissuer = \"https://ghe.test\"\n";
        registry.merge(Registry::parse(user, "auth-providers.toml").expect("parses"));
        assert_eq!(registry.providers.len(), count + 1);
        assert_eq!(registry.providers["github"].name, "GitHub Enterprise");
        assert_eq!(registry.providers["github"].source, "auth-providers.toml");
        assert_eq!(registry.providers["acme"].user.len(), 4, "default mapping");
    }

    #[test]
    fn provider_without_issuer_or_endpoints_is_detected() {
        let text = "[acme]\nname = \"Acme\"\nkind = \"oauth\"\n";
        let registry = Registry::parse(text, "x.toml").expect("parses");
        assert!(!registry.providers["acme"].has_endpoints());
    }

    /// Auth.js's provider ids by kind (@auth/core 0.41.3, spec §16): 57 oauth, 36 oidc, 8 email,
    /// 1 credentials, 2 webauthn.
    const AUTHJS_IDS: [(Kind, &[&str]); 5] = [
        (
            Kind::OAuth,
            &[
                "42-school",
                "atlassian",
                "azure-devops",
                "bitbucket",
                "box",
                "boxyhq-saml",
                "bungie",
                "click-up",
                "coinbase",
                "concept2",
                "discord",
                "dribbble",
                "dropbox",
                "eventbrite",
                "eveonline",
                "facebook",
                "faceit",
                "figma",
                "foursquare",
                "freshbooks",
                "github",
                "gitlab",
                "hubspot",
                "instagram",
                "kakao",
                "mailchimp",
                "mailru",
                "mastodon",
                "mattermost",
                "medium",
                "naver",
                "netlify",
                "netsuite",
                "nextcloud",
                "notion",
                "osso",
                "osu",
                "patreon",
                "pinterest",
                "pipedrive",
                "reddit",
                "spotify",
                "strava",
                "threads",
                "tiktok",
                "todoist",
                "trakt",
                "twitter",
                "vk",
                "webex",
                "wechat",
                "wikimedia",
                "wordpress",
                "workos",
                "yandex",
                "zoho",
                "zoom",
            ],
        ),
        (
            Kind::Oidc,
            &[
                "apple",
                "asgardeo",
                "auth0",
                "authentik",
                "azure-ad",
                "azure-ad-b2c",
                "bankid-no",
                "battlenet",
                "beyondidentity",
                "cognito",
                "descope",
                "duende-identity-server6",
                "frontegg",
                "fusionauth",
                "google",
                "huggingface",
                "identity-server4",
                "keycloak",
                "kinde",
                "line",
                "linkedin",
                "logto",
                "microsoft-entra-id",
                "okta",
                "onelogin",
                "hydra",
                "passage",
                "ping-id",
                "roblox",
                "salesforce",
                "simplelogin",
                "slack",
                "twitch",
                "united-effects",
                "vipps",
                "zitadel",
            ],
        ),
        (
            Kind::Email,
            &[
                "email",
                "forwardemail",
                "loops",
                "mailgun",
                "nodemailer",
                "postmark",
                "resend",
                "sendgrid",
            ],
        ),
        (Kind::Credentials, &["credentials"]),
        (Kind::WebAuthn, &["webauthn", "passkey"]),
    ];

    fn oauth_specs(registry: &Registry) -> impl Iterator<Item = &ProviderSpec> {
        registry
            .providers
            .values()
            .filter(|spec| matches!(spec.kind, Kind::OAuth | Kind::Oidc))
    }

    #[test]
    fn authjs_id_list_has_104_distinct_ids() {
        let mut all: Vec<&str> = AUTHJS_IDS
            .iter()
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        let counts: Vec<usize> = AUTHJS_IDS.iter().map(|(_, ids)| ids.len()).collect();
        assert_eq!(counts, [57, 36, 8, 1, 2]);
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 104);
    }

    #[test]
    fn every_registry_id_is_an_authjs_id_of_the_same_kind() {
        let registry = Registry::builtin().expect("built-in registry");
        for (id, spec) in &registry.providers {
            let kind = AUTHJS_IDS
                .iter()
                .find(|(_, ids)| ids.contains(&id.as_str()))
                .map(|(kind, _)| *kind)
                .unwrap_or_else(|| panic!("`{id}` is not one of Auth.js's provider ids"));
            assert_eq!(spec.kind, kind, "{id}: Auth.js's kind is {}", kind.as_str());
        }
    }

    #[test]
    fn a_provider_table_written_twice_is_refused() {
        let text = "[acme]\nname = \"Acme\"\nkind = \"oauth\"\n\n[acme]\nname = \"Acme 2\"\nkind = \"oauth\"\n";
        let error = Registry::parse(text, "x.toml").expect_err("a duplicate id");
        assert_eq!(error.line, 5, "{error}");
    }

    #[test]
    fn every_user_mapping_reads_declared_profile_members() {
        let registry = Registry::builtin().expect("built-in registry");
        for spec in oauth_specs(&registry) {
            assert!(
                !spec.profile.is_empty(),
                "{}: no [{}.profile]",
                spec.id,
                spec.id
            );
            for user in &spec.user {
                for path in &user.alternatives {
                    let member = &path[0];
                    assert!(
                        spec.profile.iter().any(|(name, _)| name == member),
                        "{}: user.{} reads `{member}`, which [{}.profile] does not declare",
                        spec.id,
                        user.field,
                        spec.id
                    );
                }
            }
            let mut members: Vec<&str> = spec.profile.iter().map(|(m, _)| m.as_str()).collect();
            members.sort_unstable();
            let count = members.len();
            members.dedup();
            assert_eq!(
                members.len(),
                count,
                "{}: a profile member declared twice",
                spec.id
            );
        }
    }

    #[test]
    fn every_oauth_provider_finds_its_endpoints_and_reads_its_issuer_one_way() {
        let registry = Registry::builtin().expect("built-in registry");
        for spec in oauth_specs(&registry) {
            assert!(
                spec.has_endpoints(),
                "{}: no issuer and no endpoints",
                spec.id
            );
            assert!(
                !(spec.issuer_required && spec.issuer.is_some()),
                "{}: issuer_required with a built-in issuer",
                spec.id
            );
            if spec.kind == Kind::OAuth && !spec.issuer_required {
                let endpoints = spec.endpoints.clone().unwrap_or_default();
                assert!(
                    endpoints.authorization.is_some()
                        && endpoints.token.is_some()
                        && endpoints.userinfo.is_some(),
                    "{}: an OAuth 2 provider has no discovery: it needs the three endpoints",
                    spec.id
                );
            }
            let urls = [&spec.issuer]
                .into_iter()
                .chain(
                    spec.endpoints
                        .iter()
                        .flat_map(|e| [&e.authorization, &e.token, &e.userinfo]),
                )
                .flatten();
            for url in urls {
                // An endpoint on the deployment's own instance is checked as it will be used,
                // with a sample instance in place of `{issuer}`.
                let url = if url.contains(ISSUER_PLACEHOLDER) {
                    assert!(
                        spec.issuer_required,
                        "{}: {url} is relative to the issuer, which only an issuer_required provider reads from the deployment",
                        spec.id
                    );
                    url.replace(ISSUER_PLACEHOLDER, "https://instance.example")
                } else {
                    url.clone()
                };
                let rest = url
                    .strip_prefix("https://")
                    .unwrap_or_else(|| panic!("{}: {url} is not https", spec.id));
                let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
                assert!(
                    host.contains('.') && !url.contains(char::is_whitespace),
                    "{}: {url} is not a well-formed URL",
                    spec.id
                );
            }
            for quirk in &spec.quirks {
                assert!(
                    auth_vocabulary::QUIRKS.contains(&quirk.as_str()),
                    "{}: {quirk}",
                    spec.id
                );
            }
        }
    }

    #[test]
    fn every_oauth_provider_has_a_bundled_logo_and_hex_colours() {
        let registry = Registry::builtin().expect("built-in registry");
        let logos =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../auth-runtime/assets/logos");
        for spec in oauth_specs(&registry) {
            let file = spec
                .style
                .logo
                .clone()
                .unwrap_or_else(|| format!("{}.svg", spec.id));
            assert!(
                logos.join(&file).is_file(),
                "{}: no logo {file} in auth-runtime/assets/logos",
                spec.id
            );
            for colour in [&spec.style.bg, &spec.style.text, &spec.style.brand_color]
                .into_iter()
                .flatten()
            {
                let digits = colour.strip_prefix('#').unwrap_or_default();
                assert!(
                    matches!(digits.len(), 3 | 6) && digits.chars().all(|c| c.is_ascii_hexdigit()),
                    "{}: colour {colour}",
                    spec.id
                );
            }
        }
    }

    #[test]
    fn endpoints_relative_to_the_instance_read_as_written_and_need_issuer_required() {
        let registry = Registry::builtin().expect("built-in registry");
        let mastodon = registry.providers["mastodon"].endpoints.clone();
        assert_eq!(
            mastodon.and_then(|e| e.token).as_deref(),
            Some("{issuer}/oauth/token")
        );
        let entry = |required: bool, token: &str| {
            format!(
                "[acme]\nname = \"Acme\"\nkind = \"oauth\"\nissuer_required = {required}\n\n\
                 [acme.endpoints]\nauthorization = \"{{issuer}}/authorize\"\ntoken = \"{token}\"\n\
                 userinfo = \"https://api.acme.example/me\"\n"
            )
        };
        let registry = Registry::parse(&entry(true, "{issuer}"), "x.toml").expect("parses");
        let acme = registry.providers["acme"]
            .endpoints
            .clone()
            .unwrap_or_default();
        assert_eq!(acme.authorization.as_deref(), Some("{issuer}/authorize"));
        assert_eq!(acme.token.as_deref(), Some("{issuer}"));
        let error = Registry::parse(&entry(false, "{issuer}/token"), "x.toml")
            .expect_err("no issuer_required");
        assert!(
            error.to_string().contains("needs `issuer_required = true`")
                && error.to_string().contains("AUTH_ACME_ISSUER"),
            "{error}"
        );
        assert_eq!(error.line, 6, "{error}");
        for misplaced in [
            "https://acme.example/{issuer}/token",
            "{issuer}token",
            "{issuer}/{issuer}/token",
        ] {
            let error = Registry::parse(&entry(true, misplaced), "x.toml")
                .expect_err("a misplaced placeholder");
            assert!(
                error.to_string().contains("key `acme.endpoints.token`")
                    && error.to_string().contains("write it once, first"),
                "{misplaced}: {error}"
            );
        }
    }

    #[test]
    fn the_shared_vocabulary_decides_quirks_and_the_default_mapping() {
        let text = "[acme]\nname = \"Acme\"\nkind = \"oauth\"\nissuer = \"https://acme.example\"\nquirks = [\"githb-emails\"]\n";
        let error = Registry::parse(text, "x.toml").expect_err("an unknown quirk");
        assert!(
            error
                .to_string()
                .contains("unknown quirk `githb-emails`: did you mean `github-emails`?"),
            "{error}"
        );
        let text = "[acme]\nname = \"Acme\"\nkind = \"oidc\"\nissuer = \"https://acme.example\"\n";
        let registry = Registry::parse(text, "x.toml").expect("parses");
        let id = &registry.providers["acme"].user[0];
        assert_eq!(id.field, "id");
        assert_eq!(
            id.alternatives,
            [vec!["sub".to_owned()], vec!["id".to_owned()]]
        );
    }
}
