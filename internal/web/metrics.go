package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vigil-health/vigil/internal/store"
)

// metrics are the server's Prometheus series. Labels carry route patterns
// and outcomes only, never PHI or identifiers.
type metrics struct {
	requests *prometheus.HistogramVec
	logins   *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry, db *store.DB) *metrics {
	m := &metrics{
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vigil_http_request_duration_seconds", Help: "HTTP request latency by route and status."}, []string{"route", "status"}),
		logins:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigil_logins_total", Help: "Sign-in attempts by outcome."}, []string{"outcome"}),
	}
	devices := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "vigil_devices", Help: "Devices in the inventory."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := db.CountDevices(ctx, nil)
		if err != nil {
			return -1
		}
		return float64(c.Total)
	})
	reg.MustRegister(m.requests, m.logins, devices, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Observe(d.Seconds())
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) error {
	promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.Ping(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "store": s.db.Engine()})
	return nil
}
