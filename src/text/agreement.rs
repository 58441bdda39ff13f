//! Every key agrees after folding: the stages that compare words (entity names, place
//! names, sigles' long forms, field labels, the analyzer) give one answer for spellings that
//! differ only by case, accents, ligatures (`Œuvre`/`Oeuvre`, `ﬁ`/`fi`, `ß`/`ss`) or, for
//! place names, `St-`/`Saint-`.

use proptest::prelude::*;

use crate::analysis::analyze;
use crate::extract::acronyms::text::long_form_key;
use crate::extract::entities::name_key;
use crate::extract::territory::fold::name_key as place_key;

/// Words written two ways a French plan uses.
const SPELLINGS: &[(&str, &str)] = &[
    ("Œuvre", "Oeuvre"),
    ("cœur", "coeur"),
    ("ﬁnancement", "financement"),
    ("proﬁl", "profil"),
    ("Straße", "Strasse"),
    ("Égalité", "egalite"),
    ("réussite", "REUSSITE"),
    ("éducative", "educative"),
    ("Alès", "ALES"),
    ("Cahors", "cahors"),
    ("Gildas", "GILDAS"),
    ("missions", "Missions"),
    ("locales", "LOCALES"),
    ("territoire", "Territoire"),
    ("Île", "ile"),
    ("Noël", "noel"),
    ("Æther", "aether"),
];

/// Two spellings of one name: the words of `picks`, each written its first or its second way,
/// the second name in the case `case` asks (0 as written, 1 capitals, 2 lower case).
fn two_spellings(picks: &[(usize, bool)], case: u8, separator: &str) -> (String, String) {
    let first: Vec<&str> = picks
        .iter()
        .map(|&(i, side)| if side { SPELLINGS[i].0 } else { SPELLINGS[i].1 })
        .collect();
    let second: Vec<&str> = picks
        .iter()
        .map(|&(i, side)| if side { SPELLINGS[i].1 } else { SPELLINGS[i].0 })
        .collect();
    let second = second.join(separator);
    let second = match case {
        1 => second.to_uppercase(),
        2 => second.to_lowercase(),
        _ => second,
    };
    (first.join(separator), second)
}

fn picks() -> impl Strategy<Value = Vec<(usize, bool)>> {
    prop::collection::vec((0..SPELLINGS.len(), any::<bool>()), 1..5)
}

proptest! {
    #[test]
    fn every_key_agrees_after_folding(
        picks in picks(),
        case in 0u8..3,
        separator in prop::sample::select(vec![" ", "-", " de la ", "\u{a0}", " d’"]),
    ) {
        let (a, b) = two_spellings(&picks, case, separator);
        prop_assert_eq!(name_key(&a), name_key(&b), "entity: {} / {}", a, b);
        prop_assert_eq!(place_key(&a), place_key(&b), "place: {} / {}", a, b);
        prop_assert_eq!(long_form_key(&a), long_form_key(&b), "long form: {} / {}", a, b);
    }

    /// The analyzer gives one term for accented, unaccented and capitalised spellings.
    #[test]
    fn the_analyzer_gives_one_term(picks in picks(), case in 0u8..3) {
        let (a, b) = two_spellings(&picks, case, " ");
        prop_assert_eq!(analyze(&a), analyze(&b), "{} / {}", a, b);
    }

    /// `St-` and `Saint-` name one place, in any case, and `Ste-` one `Sainte-`.
    #[test]
    fn saints_agree_for_places(picks in picks(), upper in any::<bool>()) {
        let (rest, _) = two_spellings(&picks, 0, "-");
        for (short, long) in [("St-", "Saint-"), ("Ste ", "Sainte-"), ("ST ", "saint ")] {
            let short = format!("{short}{rest}");
            let long = format!("{long}{rest}");
            let long = if upper { long.to_uppercase() } else { long };
            prop_assert_eq!(place_key(&short), place_key(&long));
        }
    }
}

#[test]
fn field_labels_agree_after_folding() {
    let label = crate::structure::canonical_field_label;
    let canonical = Some("MODALITÉS DE MISE EN ŒUVRE / ÉTAPES DE TRAVAIL".to_string());
    for spelling in [
        "Modalités de mise en œuvre",
        "MODALITES DE MISE EN OEUVRE",
        "modalités de mise en oeuvre :",
        "MISE EN ŒUVRE",
    ] {
        assert_eq!(label(spelling), canonical, "{spelling}");
    }
    assert_eq!(label("Financements"), label("FINANCEMENTS"));
    assert_eq!(label("ﬁnancements"), label("FINANCEMENTS"));
}
