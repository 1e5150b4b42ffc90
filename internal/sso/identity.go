package sso

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	vigil "github.com/vigil-health/vigil"
	"golang.org/x/oauth2"
)

// Identity is the person a provider vouched for, and what the
// configuration makes of them.
type Identity struct {
	// Issuer and Subject name the person for good.
	Issuer, Subject string
	// Username is the preferred_username claim; Email and EmailVerified
	// the e-mail claims; DisplayName the name claim. Any may be empty.
	Username, Email, DisplayName string
	EmailVerified                bool
	// Groups are the groups claim's values.
	Groups []string
	// Role is the role the first matching group gives, and Group that
	// group; both empty when the person is refused.
	Role  vigil.Role
	Group string
	// Refusal says why the person may not sign in, in words for them;
	// empty when they may.
	Refusal string
}

// claims are the standard claims Vigil reads; the groups claim is read
// from the raw claims since its name is configured.
type claims struct {
	Subject           string `json:"sub"`
	Email             string `json:"email"`
	EmailVerified     any    `json:"email_verified"` // a bool, or "true" from some providers
	PreferredUsername string `json:"preferred_username"`
	Name              string `json:"name"`
}

// identity reads the ID token's claims, falling back to the user info
// endpoint for the groups when the ID token has no groups claim, and
// applies the domain rule and the role map.
func (p *Provider) identity(ctx context.Context, idt *oidc.IDToken, ts oauth2.TokenSource) (*Identity, error) {
	var c claims
	var raw map[string]any
	if err := idt.Claims(&c); err != nil {
		return nil, vigil.WrapError(vigil.EUNAUTHORIZED, "the provider's ID token has malformed claims", err)
	}
	if err := idt.Claims(&raw); err != nil {
		return nil, vigil.WrapError(vigil.EUNAUTHORIZED, "the provider's ID token has malformed claims", err)
	}
	groups, found, err := groupsOf(raw, p.cfg.GroupsClaim)
	if err != nil {
		return nil, err
	}
	if !found && p.oidc.UserInfoEndpoint() != "" {
		ui, err := p.oidc.UserInfo(p.ctx(ctx), ts)
		if err != nil {
			return nil, vigil.WrapError(vigil.EUNAVAILABLE, "the sign-in provider's user info cannot be read: try again later", err)
		}
		if ui.Subject != idt.Subject {
			return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "the provider's user info is for another person than its ID token")
		}
		var uraw map[string]any
		if err := ui.Claims(&uraw); err != nil {
			return nil, vigil.WrapError(vigil.EUNAUTHORIZED, "the provider's user info is malformed", err)
		}
		if groups, _, err = groupsOf(uraw, p.cfg.GroupsClaim); err != nil {
			return nil, err
		}
	}
	id := &Identity{Issuer: idt.Issuer, Subject: idt.Subject, Username: c.PreferredUsername, Email: c.Email,
		EmailVerified: c.EmailVerified == true || c.EmailVerified == "true", DisplayName: c.Name, Groups: groups}
	if id.Subject == "" {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "the provider's ID token names nobody (no sub claim)")
	}
	if len(p.cfg.AllowedDomains) > 0 {
		_, domain, _ := strings.Cut(strings.ToLower(id.Email), "@")
		if !id.EmailVerified || !slices.Contains(p.cfg.AllowedDomains, domain) {
			id.Refusal = fmt.Sprintf("Vigil admits only people with a verified e-mail address at %s; %s gave none for you.",
				strings.Join(p.cfg.AllowedDomains, ", "), p.cfg.Name)
			return id, nil
		}
	}
	id.Role, id.Group = p.role(groups)
	if id.Role == "" {
		id.Refusal = fmt.Sprintf("None of your groups at %s gives a role in Vigil. Ask an administrator to add you to one of: %s.",
			p.cfg.Name, strings.Join(p.groupNames(), ", "))
	}
	return id, nil
}

// role returns the role of the first entry of the map whose group is
// among groups.
func (p *Provider) role(groups []string) (vigil.Role, string) {
	for _, gr := range p.cfg.Roles {
		if slices.Contains(groups, gr.Group) {
			return gr.Role, gr.Group
		}
	}
	return "", ""
}

func (p *Provider) groupNames() []string {
	out := make([]string, len(p.cfg.Roles))
	for i, gr := range p.cfg.Roles {
		out[i] = gr.Group
	}
	return out
}

// groupsOf reads the groups claim: by its whole name, else as a path of
// dot-separated names through nested objects. It reports whether the claim
// was there; a claim that is neither a string nor a list of strings is an
// error.
func groupsOf(raw map[string]any, name string) ([]string, bool, error) {
	v, ok := raw[name]
	if !ok && strings.Contains(name, ".") {
		var cur any = raw
		ok = true
		for part := range strings.SplitSeq(name, ".") {
			m, isMap := cur.(map[string]any)
			if !isMap {
				ok = false
				break
			}
			if cur, ok = m[part]; !ok {
				break
			}
		}
		v = cur
	}
	if !ok || v == nil {
		return nil, false, nil
	}
	switch g := v.(type) {
	case string:
		return []string{g}, true, nil
	case []any:
		out := make([]string, 0, len(g))
		for _, x := range g {
			s, isStr := x.(string)
			if !isStr {
				b, _ := json.Marshal(x)
				return nil, true, vigil.Errorf(vigil.EUNAUTHORIZED, "the provider's %q claim holds %s, not a group name", name, clip(string(b), 40))
			}
			out = append(out, s)
		}
		return out, true, nil
	}
	return nil, true, vigil.Errorf(vigil.EUNAUTHORIZED, "the provider's %q claim is neither a group name nor a list of them", name)
}
