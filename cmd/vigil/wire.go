package main

import (
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/assurance"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/compliance"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/vendors"
	"github.com/vigil-health/vigil/internal/web"
)

// classifier returns the device taxonomy and OUI registry, built on first
// use and kept for the rest of the command: both are embedded data.
func (m *Main) classifier() (*classify.Classifier, error) {
	if m.cls == nil {
		c, err := classify.New()
		if err != nil {
			return nil, err
		}
		m.cls = c
	}
	return m.cls, nil
}

// services wires the use cases over an open store: every change a command
// makes goes through them. Reads go to the store directly.
func (m *Main) services(d *store.DB) (web.Services, error) {
	cls, err := m.classifier()
	if err != nil {
		return web.Services{}, err
	}
	comp := compliance.New(d, cls)
	exp := exposure.New(d, cls)
	plan := assurance.New(d, exp)
	ev, err := m.evidenceRepo(d, comp)
	if err != nil {
		return web.Services{}, err
	}
	// Every change evaluates the controls again; every current evaluation,
	// whoever asked for it, then has the evidence gather its artefacts (the
	// evaluation among them) and the plan follow the verdicts.
	var after vigil.Observers
	if ev != nil {
		after = append(after, ev)
	}
	after = append(after, plan)
	comp.Notify(after)
	exp.Notify(comp)
	return web.Services{
		Inventory:  inventory.New(d, cls, exp).Notify(comp),
		Exposure:   exp,
		Accounts:   account.New(d, false),
		Compliance: comp,
		Assurance:  plan,
		Evidence:   ev,
		Vendors: vendors.New(d).Notify(comp).Medical(func(t string) bool {
			ty, ok := cls.Type(t)
			return ok && ty.FDAClass != ""
		}),
	}, nil
}

// vendors returns the vendor register's use cases over d, wired to
// re-evaluate the controls after every change.
func (m *Main) vendors(d *store.DB) (*vendors.Service, error) {
	s, err := m.services(d)
	return s.Vendors, err
}

// inventory returns the inventory use cases over d.
func (m *Main) inventory(d *store.DB) (*inventory.Service, error) {
	s, err := m.services(d)
	return s.Inventory, err
}

// compliance returns the control-evaluation use cases over d.
func (m *Main) compliance(d *store.DB) (*compliance.Service, error) {
	s, err := m.services(d)
	return s.Compliance, err
}

// exposure returns the vulnerability and risk use cases over d.
func (m *Main) exposure(d *store.DB) (*exposure.Service, error) {
	s, err := m.services(d)
	return s.Exposure, err
}

// assurance returns the mock audit and remediation plan use cases over d.
func (m *Main) assurance(d *store.DB) (*assurance.Service, error) {
	s, err := m.services(d)
	return s.Assurance, err
}
