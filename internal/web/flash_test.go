package web

import (
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// TestFlashSealed holds the confirmation cookie to its session and its
// lifetime, and its text to the fixed messages: another session's cookie,
// an old one, an edited one or an unknown kind shows nothing.
func TestFlashSealed(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	a, b := &vigil.Session{CSRFToken: "token-a"}, &vigil.Session{CSRFToken: "token-b"}
	f := flash{Kind: flashUserRole, Names: []string{"<alice>", "auditor"}, At: now.Unix()}
	v := sealFlash(a, f)
	got, ok := openFlash(a, v, now.Add(10*time.Second))
	if !ok || got.Text() != "Role of <alice> changed to auditor." {
		t.Errorf("its own session reads %q, %v", got.Text(), ok)
	}
	if _, ok := openFlash(b, v, now); ok {
		t.Error("another session read the message")
	}
	if _, ok := openFlash(a, v, now.Add(flashTTL+time.Second)); ok {
		t.Error("an expired message was read")
	}
	body, sig, _ := strings.Cut(v, ".")
	if _, ok := openFlash(a, body[:len(body)-2]+"AA."+sig, now); ok {
		t.Error("an edited message was read")
	}
	if text := (flash{Kind: "<script>"}).Text(); text != "" {
		t.Errorf("an unknown kind reads %q", text)
	}
	for kind, text := range flashTexts {
		if s := text(nil, nil); s == "" {
			t.Errorf("%s writes nothing without its counts and names", kind)
		}
	}
	if got := (flash{Kind: flashAcked, N: []int{1}}).Text(); got != "Acknowledged 1 discrepancy." {
		t.Errorf("one acknowledged: %q", got)
	}
}
