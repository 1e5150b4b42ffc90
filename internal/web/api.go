package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.Ping(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "store": s.db.Engine()})
	return nil
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, userFrom(r.Context()))
	return nil
}

// deviceListJSON is the API's device list.
type deviceListJSON struct {
	Devices []*vigil.Device `json:"devices"`
	Total   int             `json:"total"`
	Offset  int             `json:"offset"`
	Limit   int             `json:"limit"`
}

func (s *Server) apiDevices(w http.ResponseWriter, r *http.Request) error {
	f, _, err := deviceFilter(r)
	if err != nil {
		return err
	}
	devs, total, err := s.db.FindDevices(r.Context(), f)
	if err != nil {
		return err
	}
	if devs == nil {
		devs = []*vigil.Device{}
	}
	writeJSON(w, http.StatusOK, deviceListJSON{Devices: devs, Total: total, Offset: f.Offset, Limit: f.Limit})
	return nil
}

func (s *Server) apiDevice(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pathDevice(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiDeviceFacts(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pathDevice(r)
	if err != nil {
		return err
	}
	facts, err := s.db.DeviceFacts(r.Context(), d.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"facts": facts})
	return nil
}

func (s *Server) apiDeviceHistory(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pathDevice(r)
	if err != nil {
		return err
	}
	h, err := s.db.DeviceHistory(r.Context(), d.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": h})
	return nil
}

func (s *Server) apiCounts(w http.ResponseWriter, r *http.Request) error {
	f, _, err := deviceFilter(r)
	if err != nil {
		return err
	}
	c, err := s.db.CountDevices(r.Context(), f.AsOf)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiSites(w http.ResponseWriter, r *http.Request) error {
	sites, err := s.db.FindSites(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"sites": nonNil(sites)})
	return nil
}

func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) error {
	srcs, err := s.db.FindSources(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": nonNil(srcs)})
	return nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	evs, err := s.db.FindAuditEvents(r.Context(), vigil.AuditFilter{ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": nonNil(evs)})
	return nil
}

func (s *Server) apiAuditVerify(w http.ResponseWriter, r *http.Request) error {
	n, brk, err := s.db.VerifyAuditLog(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"checked": n, "ok": brk == nil, "break": brk})
	return nil
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.db.FindUsers(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": nonNil(us)})
	return nil
}

func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return vigil.Errorf(vigil.EINVALID, "the request body is not valid JSON for this call")
	}
	return nil
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name     string `json:"name"`
		Role     string `json:"role"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, pw, err := s.addUser(r, in.Name, in.Role, in.Password)
	if err != nil {
		return err
	}
	out := map[string]any{"user": u}
	if in.Password == "" {
		out["password"] = pw
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	secret, t, err := s.db.CreateAPIToken(r.Context(), userFrom(r.Context()), in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": t, "secret": secret})
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
