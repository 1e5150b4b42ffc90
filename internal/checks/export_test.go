package checks

import (
	"cel.dev/cel-go/cel"
)

// The benchmark's alternative designs, reachable from package checks_test.

// AltProgram is one check compiled in an alternative environment.
type AltProgram struct{ applies, expr cel.Program }

// NewMapEnv returns the environment of the maps design: every variable a
// map or list of maps of dyn values, so field names are not type-checked.
func NewMapEnv() (*cel.Env, error) {
	m := cel.MapType(cel.StringType, cel.DynType)
	return cel.NewEnv(append([]cel.EnvOption{
		cel.Variable("device", m),
		cel.Variable("sources", cel.ListType(m)),
		cel.Variable("findings", cel.ListType(m)),
		cel.Variable("vulns", cel.ListType(m)),
		cel.Variable("flows", cel.ListType(m)),
		cel.Variable("remote", m),
		cel.Variable("policy", m),
		cel.Variable("now", cel.TimestampType),
	}, functions()...)...)
}

// NewNativeEnv returns the environment Compile uses.
func NewNativeEnv() (*cel.Env, error) { return newEnv() }

// CompileAlt compiles the checks' applies_to and expr in env.
func CompileAlt(env *cel.Env, cs []*Check) ([]AltProgram, error) {
	var out []AltProgram
	for _, c := range cs {
		var p AltProgram
		for _, x := range []struct {
			src string
			dst *cel.Program
		}{{c.AppliesTo, &p.applies}, {c.Expr, &p.expr}} {
			if x.src == "" {
				continue
			}
			ast, iss := env.Compile(x.src)
			if iss.Err() != nil {
				return nil, iss.Err()
			}
			prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
			if err != nil {
				return nil, err
			}
			*x.dst = prg
		}
		out = append(out, p)
	}
	return out, nil
}

// EvalAlt evaluates every program on vars (a map or an activation) and
// returns how many passed.
func EvalAlt(ps []AltProgram, vars any) (passed int, err error) {
	for _, p := range ps {
		if p.applies != nil {
			v, _, err := p.applies.Eval(vars)
			if err != nil {
				return 0, err
			}
			if v != cel.BoolType && v.Value() == false {
				continue
			}
		}
		v, _, err := p.expr.Eval(vars)
		if err != nil {
			return 0, err
		}
		if v.Value() == true {
			passed++
		}
	}
	return passed, nil
}

// SubjectMap converts a subject to the maps design's variables.
func SubjectMap(s *Subject, in Inputs) map[string]any {
	d := s.Device
	list := func(n int, f func(i int) map[string]any) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	allowed := make([]any, len(in.Policy.AllowedInternet))
	for i, a := range in.Policy.AllowedInternet {
		allowed[i] = a
	}
	clinical := make([]any, len(in.Policy.ClinicalSegments))
	for i, a := range in.Policy.ClinicalSegments {
		clinical[i] = a
	}
	return map[string]any{
		"device": map[string]any{
			"id": d.ID, "asset_tag": d.AssetTag, "serial": d.Serial, "manufacturer": d.Manufacturer,
			"model": d.Model, "type": d.Type, "firmware": d.Firmware, "mac": d.MAC, "ip": d.IP,
			"hostname": d.Hostname, "site": d.Site, "department": d.Department, "location": d.Location,
			"owner": d.Owner, "criticality": d.Criticality, "lifecycle": d.Lifecycle,
			"stores_ephi": d.StoresEPHI, "sends_ephi": d.SendsEPHI, "first_seen": d.FirstSeen,
			"last_seen": d.LastSeen, "patient_connected": d.PatientConnected, "fda_class": d.FDAClass,
			"cyber_device": d.CyberDevice, "encrypts_at_rest": d.EncryptsAtRest, "segment": d.Segment,
			"sbom": d.SBOM, "mds2": d.MDS2, "validated_firmware": d.ValidatedFirmware,
		},
		"sources": list(len(s.Sources), func(i int) map[string]any {
			x := s.Sources[i]
			return map[string]any{"name": x.Name, "kind": x.Kind, "role": x.Role}
		}),
		"findings": list(len(s.Findings), func(i int) map[string]any {
			x := s.Findings[i]
			return map[string]any{"code": x.Code, "severity": x.Severity, "segment": x.Segment, "detail": x.Detail}
		}),
		"vulns": list(len(s.Vulns), func(i int) map[string]any {
			x := s.Vulns[i]
			return map[string]any{"id": x.ID, "cvss": x.CVSS, "severity": x.Severity, "ssvc": x.SSVC,
				"kev": x.KEV, "kev_due_date": x.KEVDueDate, "epss": x.EPSS, "opened": x.Opened,
				"fixed_in": x.FixedIn, "status": x.Status, "remediated": x.Remediated}
		}),
		"flows": list(len(s.Flows), func(i int) map[string]any {
			x := s.Flows[i]
			return map[string]any{"peer": x.Peer, "peer_name": x.PeerName, "peer_segment": x.PeerSegment,
				"internet": x.Internet, "outbound": x.Outbound, "port": x.Port, "proto": x.Proto, "app": x.App,
				"encrypted": x.Encrypted, "tls_version": x.TLSVersion, "phi": x.PHI}
		}),
		"remote": map[string]any{"enabled": s.Remote.Enabled, "vendor": s.Remote.Vendor,
			"method": s.Remote.Method, "mfa": s.Remote.MFA, "baa": s.Remote.BAA},
		"policy": map[string]any{"max_open_days": in.Policy.MaxOpenDays, "cvss_threshold": in.Policy.CVSSThreshold,
			"ssvc_threshold": in.Policy.SSVCThreshold, "allowed_internet": allowed,
			"clinical_segments": clinical, "max_unseen_days": in.Policy.MaxUnseenDays},
		"now": in.Now,
	}
}

// NativeMap binds the subject's Go values by name, the native design with
// cel-go's map activation instead of Vigil's.
func NativeMap(s *Subject, in Inputs) map[string]any {
	return map[string]any{
		"device": &s.Device, "sources": s.Sources, "findings": s.Findings, "vulns": s.Vulns,
		"flows": s.Flows, "remote": &s.Remote, "policy": &in.Policy, "now": in.Now,
	}
}
