// Every OAuth/OIDC provider of the built-in registry in one attribute: it compiles, and the
// handler builds once the providers whose issuer is per deployment have AUTH_<ID>_ISSUER.
use auth_runtime::prelude::*;

#[auth(providers(
    "42-school",
    apple,
    asgardeo,
    atlassian,
    auth0,
    authentik,
    azure_ad,
    azure_ad_b2c,
    battlenet,
    beyondidentity,
    bitbucket,
    box,
    click_up,
    cognito,
    coinbase,
    concept2,
    descope,
    discord,
    dribbble,
    duende_identity_server6,
    eventbrite,
    eveonline,
    facebook,
    faceit,
    figma,
    freshbooks,
    fusionauth,
    github,
    gitlab,
    google,
    huggingface,
    hydra,
    identity_server4,
    kakao,
    keycloak,
    kinde,
    linkedin,
    logto,
    mailchimp,
    mailru,
    medium,
    microsoft_entra_id,
    naver,
    netlify,
    okta,
    onelogin,
    osu,
    passage,
    patreon,
    ping_id,
    pinterest,
    pipedrive,
    reddit,
    roblox,
    salesforce,
    simplelogin,
    slack,
    spotify,
    strava,
    threads,
    twitch,
    twitter,
    vipps,
    webex,
    wikimedia,
    wordpress,
    workos,
    yandex,
    zitadel,
    zoho,
    zoom,
))]
pub struct Auth;

fn main() {
    let config = Auth::builder_with_env(|key| match key {
        "AUTH_SECRET" => Some("a-secret-long-enough-for-the-catalogue".to_owned()),
        "AUTH_ASGARDEO_ISSUER" => Some("https://asgardeo.tenant.example".to_owned()),
        "AUTH_AUTH0_ISSUER" => Some("https://auth0.tenant.example".to_owned()),
        "AUTH_AUTHENTIK_ISSUER" => Some("https://authentik.tenant.example".to_owned()),
        "AUTH_AZURE_AD_B2C_ISSUER" => Some("https://azure-ad-b2c.tenant.example".to_owned()),
        "AUTH_BATTLENET_ISSUER" => Some("https://battlenet.tenant.example".to_owned()),
        "AUTH_BEYONDIDENTITY_ISSUER" => Some("https://beyondidentity.tenant.example".to_owned()),
        "AUTH_COGNITO_ISSUER" => Some("https://cognito.tenant.example".to_owned()),
        "AUTH_DESCOPE_ISSUER" => Some("https://descope.tenant.example".to_owned()),
        "AUTH_DUENDE_IDENTITY_SERVER6_ISSUER" => Some("https://duende-identity-server6.tenant.example".to_owned()),
        "AUTH_FUSIONAUTH_ISSUER" => Some("https://fusionauth.tenant.example".to_owned()),
        "AUTH_HYDRA_ISSUER" => Some("https://hydra.tenant.example".to_owned()),
        "AUTH_IDENTITY_SERVER4_ISSUER" => Some("https://identity-server4.tenant.example".to_owned()),
        "AUTH_KEYCLOAK_ISSUER" => Some("https://keycloak.tenant.example".to_owned()),
        "AUTH_KINDE_ISSUER" => Some("https://kinde.tenant.example".to_owned()),
        "AUTH_LOGTO_ISSUER" => Some("https://logto.tenant.example".to_owned()),
        "AUTH_OKTA_ISSUER" => Some("https://okta.tenant.example".to_owned()),
        "AUTH_ONELOGIN_ISSUER" => Some("https://onelogin.tenant.example".to_owned()),
        "AUTH_PASSAGE_ISSUER" => Some("https://passage.tenant.example".to_owned()),
        "AUTH_PING_ID_ISSUER" => Some("https://ping-id.tenant.example".to_owned()),
        "AUTH_ZITADEL_ISSUER" => Some("https://zitadel.tenant.example".to_owned()),
        _ => None,
    })
    .into_config();
    assert_eq!(config.providers.len(), 71);
    // A provider added to the registry and not named above fails here.
    let registry_oauth = auth_runtime::registry_support::BUILTIN_PROVIDERS
        .iter()
        .filter(|(_, _, kind, _, _)| matches!(*kind, "oauth" | "oidc"))
        .count();
    assert_eq!(Auth::PROVIDER_IDS.len(), registry_oauth);
    assert_eq!(config.providers[0].id(), "42-school");
    config.assert_valid().expect("valid configuration");
    let _typed: Option<AuthProfile> = None;
}
