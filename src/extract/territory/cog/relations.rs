//! Which unit lies in which: a commune's EPCI, département and région, an EPCI's
//! communes, containment between any two units.
//!
//! Apart from resolution because these answer questions about units already known (the
//! graph groups documents by them, the search narrows to them), whatever their name.

use super::{Cog, Unit};
use crate::Territory;

impl Cog {
    /// The département a unit lies in (an EPCI: the one holding most of its communes).
    pub(crate) fn departement_code_of(&self, unit: Unit) -> Option<&'static str> {
        match unit {
            Unit::Commune(i) => Some(self.communes[i as usize].departement),
            Unit::Epci(i) => self.epcis[i as usize].main_departement,
            Unit::Departement(i) => Some(self.departements[i as usize].code),
            Unit::Region(_) => None,
        }
    }

    fn region_code_of(&self, unit: Unit) -> Option<&'static str> {
        match unit {
            Unit::Commune(i) => Some(self.communes[i as usize].region),
            Unit::Region(i) => Some(self.regions[i as usize].code),
            _ => {
                let departement = self.departement_code_of(unit)?;
                let idx = self.departement_by_code.get(departement)?;
                Some(self.departements[*idx as usize].region)
            }
        }
    }

    pub(crate) fn epci_index_of_commune(&self, commune: u32) -> Option<u32> {
        self.epci_of_commune
            .get(commune as usize)
            .copied()
            .flatten()
    }

    /// The département a commune (or an EPCI, by most of its communes) lies in; a
    /// département is its own.
    pub fn departement_of(&self, commune: &Territory) -> Option<Territory> {
        let unit = self.unit_of(commune)?;
        let code = self.departement_code_of(unit)?;
        let idx = self.departement_by_code.get(code)?;
        Some(self.territory_of(Unit::Departement(*idx)))
    }

    /// The région a commune, an EPCI (by its main département) or a département lies in;
    /// a région is its own.
    pub fn region_of(&self, territory: &Territory) -> Option<Territory> {
        let code = self.region_code_of(self.unit_of(territory)?)?;
        let idx = self.region_by_code.get(code)?;
        Some(self.territory_of(Unit::Region(*idx)))
    }

    /// The EPCI a commune belongs to.
    pub fn epci_of(&self, commune: &Territory) -> Option<Territory> {
        match self.unit_of(commune)? {
            Unit::Commune(i) => self
                .epci_index_of_commune(i)
                .map(|e| self.territory_of(Unit::Epci(e))),
            _ => None,
        }
    }

    /// True if `inner` lies within `outer`: commune in EPCI, département or région; EPCI
    /// in the département (région) holding most of its communes; département in région.
    /// A territory contains itself.
    pub fn contains(&self, outer: &Territory, inner: &Territory) -> bool {
        let (Some(outer), Some(inner)) = (self.unit_of(outer), self.unit_of(inner)) else {
            return false;
        };
        self.unit_contains(outer, inner)
    }

    pub(crate) fn unit_contains(&self, outer: Unit, inner: Unit) -> bool {
        if outer == inner {
            return true;
        }
        match (outer, inner) {
            (Unit::Epci(e), Unit::Commune(c)) => self.epci_index_of_commune(c) == Some(e),
            (Unit::Departement(d), Unit::Commune(_) | Unit::Epci(_)) => {
                self.departement_code_of(inner) == Some(self.departements[d as usize].code)
            }
            (Unit::Region(r), Unit::Commune(_) | Unit::Epci(_) | Unit::Departement(_)) => {
                self.region_code_of(inner) == Some(self.regions[r as usize].code)
            }
            _ => false,
        }
    }

    /// The member communes of an EPCI, the communes of a département or région; empty
    /// for a commune.
    pub fn communes_in(&self, outer: &Territory) -> Vec<Territory> {
        let Some(unit) = self.unit_of(outer) else {
            return Vec::new();
        };
        match unit {
            Unit::Epci(e) => self.epcis[e as usize]
                .members
                .iter()
                .map(|&c| self.territory_of(Unit::Commune(c)))
                .collect(),
            Unit::Departement(_) | Unit::Region(_) => (0..self.communes.len() as u32)
                .map(Unit::Commune)
                .filter(|&c| self.unit_contains(unit, c))
                .map(|c| self.territory_of(c))
                .collect(),
            Unit::Commune(_) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_between_units() {
        let cog = Cog::get();
        let cornebarrieu = cog.resolve("31150").expect("commune");
        let metropole = cog.resolve("243100518").expect("epci");
        let haute_garonne = cog.resolve("31").expect("departement");
        let occitanie = cog.resolve("region:76").expect("region");
        let cergy = cog.resolve("95127").expect("commune");
        assert_eq!(cog.epci_of(&cornebarrieu), Some(metropole.clone()));
        assert_eq!(
            cog.departement_of(&cornebarrieu),
            Some(haute_garonne.clone())
        );
        assert_eq!(cog.departement_of(&metropole), Some(haute_garonne.clone()));
        assert!(cog.contains(&metropole, &cornebarrieu));
        assert!(cog.contains(&haute_garonne, &metropole));
        assert!(cog.contains(&occitanie, &cornebarrieu));
        assert!(cog.contains(&occitanie, &haute_garonne));
        assert!(cog.contains(&cergy, &cergy));
        assert!(!cog.contains(&metropole, &cergy));
        assert!(!cog.contains(&cornebarrieu, &metropole));
        assert_eq!(cog.epci_of(&haute_garonne), None);
        let members = cog.communes_in(&metropole);
        assert!(
            members.contains(&cornebarrieu) && !members.contains(&cergy),
            "{}",
            members.len()
        );
        assert!(cog.communes_in(&haute_garonne).len() > 500);
        assert!(cog.communes_in(&cergy).is_empty());
    }
}
