package main

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/sso"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/web"
)

// ssoFlags are serve's single sign-on and second factor flags.
type ssoFlags struct {
	issuer, clientID, secretFile, redirect, groupsClaim, roleMap, name, scopes, domains *string
	mfaAdmins                                                                           *bool
}

// addSSOFlags registers the flags on fs.
func addSSOFlags(fs *flag.FlagSet) *ssoFlags {
	return &ssoFlags{
		issuer:      fs.String("oidc-issuer", "", "single sign-on: the OpenID Connect provider's issuer URL (off when empty)"),
		clientID:    fs.String("oidc-client-id", "", "single sign-on: Vigil's client ID at the provider"),
		secretFile:  fs.String("oidc-client-secret-file", "", "single sign-on: a file (mode 600) holding the client secret (or env VIGIL_OIDC_CLIENT_SECRET; none for a public client)"),
		redirect:    fs.String("oidc-redirect-url", "", "single sign-on: Vigil's public URL of /login/oidc/callback, as registered at the provider"),
		groupsClaim: fs.String("oidc-groups-claim", "groups", "single sign-on: the ID token claim holding the person's groups (a.b for a nested claim)"),
		roleMap:     fs.String("oidc-role-map", "", "single sign-on: GROUP=ROLE,... the first of a person's groups listed gives the role; no listed group, no sign-in"),
		name:        fs.String("oidc-name", "", "single sign-on: the provider's name on the sign-in page (default the issuer's host)"),
		scopes:      fs.String("oidc-scopes", "openid,profile,email", "single sign-on: the scopes asked for, comma-separated"),
		domains:     fs.String("oidc-allowed-domains", "", "single sign-on: admit only verified e-mail addresses of these domains, comma-separated"),
		mfaAdmins:   fs.Bool("mfa-admins", false, "require a TOTP second factor of every local admin: one without it is sent to set one up first"),
	}
}

// apply sets cfg's single sign-on provider and second factor rule. The
// state cookie's key is derived from the store's audit key, so that every
// Vigil process of one database opens the others' cookies.
func (f *ssoFlags) apply(m *Main, d *store.DB, cfg *web.Config) error {
	cfg.MFAAdmins = *f.mfaAdmins
	if *f.issuer == "" {
		if *f.clientID != "" || *f.redirect != "" || *f.roleMap != "" || *f.secretFile != "" {
			return vigil.Errorf(vigil.EINVALID, "--oidc-issuer is missing: the other --oidc- flags need it")
		}
		return nil
	}
	roles, err := sso.ParseRoleMap(*f.roleMap)
	if err != nil {
		return vigil.Errorf(vigil.EINVALID, "--oidc-role-map: %s", vigil.ErrorMessage(err))
	}
	secret := m.Getenv("VIGIL_OIDC_CLIENT_SECRET")
	if *f.secretFile != "" {
		if secret, err = readSecretFile(*f.secretFile); err != nil {
			return err
		}
	}
	p, err := sso.New(sso.Config{Name: *f.name, Issuer: *f.issuer, ClientID: *f.clientID, ClientSecret: secret, RedirectURL: *f.redirect,
		Scopes: commaList(*f.scopes), GroupsClaim: *f.groupsClaim, Roles: roles, AllowedDomains: commaList(*f.domains),
		Key: d.SecretKey("oidc state cookie")})
	if err != nil {
		return err
	}
	cfg.SSO = p
	return nil
}

// readSecretFile reads a secret from a file that only its owner may read,
// surrounding space trimmed.
func readSecretFile(path string) (string, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", vigil.Errorf(vigil.EINVALID, "the secret file %s does not exist", path)
	} else if err != nil {
		return "", vigil.WrapError(vigil.EUNAVAILABLE, "cannot read the secret file "+path, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", vigil.Errorf(vigil.EINVALID, "the secret file %s may be read by others (mode %o): chmod 600 it", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", vigil.WrapError(vigil.EUNAVAILABLE, "cannot read the secret file "+path, err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", vigil.Errorf(vigil.EINVALID, "the secret file %s is empty", path)
	}
	return s, nil
}

// commaList splits a comma-separated flag, dropping empty items.
func commaList(s string) []string {
	var out []string
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
