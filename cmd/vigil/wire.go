package main

import (
	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
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
	exp := exposure.New(d, cls)
	return web.Services{
		Inventory: inventory.New(d, cls, exp),
		Exposure:  exp,
		Accounts:  account.New(d, false),
	}, nil
}

// inventory returns the inventory use cases over d.
func (m *Main) inventory(d *store.DB) (*inventory.Service, error) {
	s, err := m.services(d)
	return s.Inventory, err
}

// exposure returns the vulnerability and risk use cases over d.
func (m *Main) exposure(d *store.DB) (*exposure.Service, error) {
	s, err := m.services(d)
	return s.Exposure, err
}
