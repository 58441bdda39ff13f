//! A deterministic generator of realistic plan documents, for benchmarks and
//! robustness tests at national scale.
//!
//! Real plans are the only honest material: each generated document takes
//! the opening of a shipped plan (its title block, so the kind stays
//! recognisable), then blocks drawn from every shipped plan, and moves it to
//! another commune drawn from the geographic code: the template's own
//! territory names are replaced by the new commune's name everywhere. The
//! expected territory of each generated document is therefore known and
//! written to `manifest.tsv`, so extraction can be scored at scale too.

use std::fs;
use std::path::{Path, PathBuf};

use maillage::extract::territory::{self, Cog};
use maillage::{ingest, structure, Error, Result};

/// SplitMix64: tiny, fast, and the same sequence on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// One shipped document, cut into blocks.
struct Template {
    /// Blocks (runs of lines separated by blank lines) of the raw text.
    blocks: Vec<String>,
    /// How many leading blocks form the title block.
    head: usize,
    /// Names of the template's own territory, as written, longest first.
    names: Vec<String>,
}

/// What a generation run produced.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The folder of generated documents, to index.
    pub dir: PathBuf,
    pub n_documents: usize,
    pub n_bytes: u64,
}

fn load_templates(corpus: &Path) -> Result<Vec<Template>> {
    let (files, _skipped) = ingest::read_corpus(corpus)?;
    let cog = Cog::get();
    let mut templates = Vec::new();
    for file in files {
        let document = structure::parse(&file.doc_id, &file.text);
        let mut names = Vec::new();
        if let Some(t) = territory::document_territory(&document, cog) {
            names.push(t.name.clone());
            // Names as ALL-CAPS plans write them, with and without accents.
            names.push(t.name.to_uppercase());
            names.push(strip_accents(&t.name).to_uppercase());
            if let Some(short) = t
                .name
                .strip_prefix("CA ")
                .or_else(|| t.name.strip_prefix("CC "))
            {
                names.push(short.to_string());
                names.push(short.to_uppercase());
                names.push(strip_accents(short).to_uppercase());
            }
        }
        names.retain(|n| n.chars().count() >= 3);
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        names.dedup();
        let blocks: Vec<String> = file
            .text
            .split("\n\n")
            .map(str::trim_end)
            .filter(|b| !b.trim().is_empty())
            .map(str::to_string)
            .collect();
        if blocks.is_empty() {
            continue;
        }
        let head = blocks.len().min(3);
        templates.push(Template {
            blocks,
            head,
            names,
        });
    }
    if templates.is_empty() {
        return Err(Error::InvalidParameter {
            name: "corpus",
            message: format!("no readable document in {}", corpus.display()),
        });
    }
    Ok(templates)
}

/// Removes accents, keeping everything else: `Alès` → `Ales`.
fn strip_accents(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect()
}

/// Communes of at least 3,000 inhabitants, the towns that write such plans.
fn target_communes(cog: &Cog) -> Vec<maillage::Territory> {
    cog.communes_with_population(3000)
}

/// Writes `n_documents` generated plans into `out/corpus/` and their
/// expected territories into `out/manifest.tsv`.
pub fn generate(corpus: &Path, out: &Path, n_documents: usize, seed: u64) -> Result<Generated> {
    let templates = load_templates(corpus)?;
    let cog = Cog::get();
    let communes = target_communes(cog);
    if communes.is_empty() {
        return Err(Error::InvalidParameter {
            name: "corpus",
            message: "the geographic code has no commune".into(),
        });
    }
    let docs_dir = out.join("corpus");
    fs::create_dir_all(&docs_dir)
        .map_err(|e| Error::io(format!("creating {}", docs_dir.display()), e))?;
    let mut rng = Rng::new(seed);
    let mut manifest = String::from("file\tterritory\tcode\n");
    let mut n_bytes = 0u64;
    // Average size of a shipped plan, in blocks: generated plans are alike.
    let mean_blocks = templates.iter().map(|t| t.blocks.len()).sum::<usize>() / templates.len();
    for i in 0..n_documents {
        let template = &templates[rng.below(templates.len())];
        let commune = &communes[rng.below(communes.len())];
        let mut blocks: Vec<&str> = template.blocks[..template.head]
            .iter()
            .map(String::as_str)
            .collect();
        // Runs average 3.5 blocks: about as many blocks as a shipped plan.
        let n_body = (mean_blocks / 2 + rng.below(mean_blocks.max(1))) / 4;
        for _ in 0..n_body {
            let source = &templates[rng.below(templates.len())];
            // Runs of consecutive blocks keep a fiche's fields together.
            let start = rng.below(source.blocks.len());
            let run = 1 + rng.below(6);
            for block in source.blocks.iter().skip(start).take(run) {
                blocks.push(block);
            }
        }
        let mut text = blocks.join("\n\n");
        for source in &templates {
            for name in &source.names {
                text = text.replace(name.as_str(), &commune.name);
            }
        }
        text.push('\n');
        let file = format!("plan_{i:06}.txt");
        n_bytes += text.len() as u64;
        fs::write(docs_dir.join(&file), &text)
            .map_err(|e| Error::io(format!("writing {}", docs_dir.join(&file).display()), e))?;
        manifest.push_str(&format!("{file}\t{}\t{}\n", commune.name, commune.code));
    }
    fs::write(out.join("manifest.tsv"), manifest)
        .map_err(|e| Error::io(format!("writing {}/manifest.tsv", out.display()), e))?;
    Ok(Generated {
        dir: docs_dir,
        n_documents,
        n_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_deterministic_and_bounded() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            let x = a.below(10);
            assert_eq!(x, b.below(10));
            assert!(x < 10);
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }
}
