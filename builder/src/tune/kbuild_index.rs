//! Which Kconfig symbol builds a driver: from the kernel tree's Makefiles
//! (`obj-$(CONFIG_X) += name.o`, composite modules `name-y := part.o ...`) and, for
//! drivers whose name is not their module's, the C files that declare the driver
//! (`.name = "virtio-pci"`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use walkdir::WalkDir;

/// Driver-name and module-name lookups for one kernel tree.
#[derive(Debug, Default)]
pub struct KbuildIndex {
    /// `dir/name.o` -> the symbol that builds it.
    object_symbol: BTreeMap<String, String>,
    /// `dir/part.o` -> `dir/module.o` it is linked into.
    part_of: BTreeMap<String, String>,
    /// Module base name (`_` for `-`) -> objects with that name.
    by_module: BTreeMap<String, BTreeSet<String>>,
    /// Driver name (as in `.name = "..."`) -> objects of the C files declaring it.
    by_driver_name: BTreeMap<String, BTreeSet<String>>,
}

/// Where a driver's symbol was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The symbol (without `CONFIG_`).
    pub symbol: String,
    /// The object it builds and how it was found, for the report.
    pub how: String,
}

fn normalize(name: &str) -> String {
    name.replace('-', "_")
}

/// Joins backslash-continued lines.
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if let Some(stripped) = line.strip_suffix('\\') {
            current.push_str(stripped);
            current.push(' ');
        } else {
            current.push_str(line);
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

impl KbuildIndex {
    /// Scans `drivers/`, `sound/`, `net/` and `fs/` of a kernel tree.
    pub fn scan(tree: &Path) -> KbuildIndex {
        let mut index = KbuildIndex::default();
        for top in ["drivers", "sound", "net", "fs"] {
            for entry in WalkDir::new(tree.join(top)).into_iter().filter_map(|e| e.ok()) {
                let name = entry.file_name().to_string_lossy();
                let Ok(rel) = entry.path().strip_prefix(tree) else { continue };
                let dir = rel.parent().map(|p| p.display().to_string()).unwrap_or_default();
                if name == "Makefile" || name == "Kbuild" {
                    if let Ok(text) = std::fs::read_to_string(entry.path()) {
                        index.add_makefile(&dir, &text);
                    }
                } else if name.ends_with(".c") {
                    if let Ok(text) = std::fs::read_to_string(entry.path()) {
                        let object = format!("{dir}/{}", name.trim_end_matches(".c")) + ".o";
                        index.add_c_file(&object, &text);
                    }
                }
            }
        }
        index
    }

    /// Records one Makefile of directory `dir` (relative to the tree).
    pub fn add_makefile(&mut self, dir: &str, text: &str) {
        for line in logical_lines(text) {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((lhs, rhs)) =
                line.split_once("+=").or_else(|| line.split_once(":=")).or_else(|| line.split_once('='))
            else {
                continue;
            };
            let lhs = lhs.trim().trim_end_matches(':');
            let Some((target, cond)) = lhs.split_once('-') else { continue };
            let symbol = cond.strip_prefix("$(CONFIG_").and_then(|s| s.strip_suffix(')'));
            let objects = rhs.split_whitespace().filter(|w| w.ends_with(".o")).map(|w| format!("{dir}/{w}"));
            if target == "obj" {
                let Some(symbol) = symbol else { continue };
                for object in objects {
                    let base = object.rsplit('/').next().unwrap_or("").trim_end_matches(".o").to_string();
                    self.by_module.entry(normalize(&base)).or_default().insert(object.clone());
                    self.object_symbol.entry(object).or_insert_with(|| symbol.to_string());
                }
            } else if symbol.is_some() || matches!(cond, "y" | "objs" | "m") {
                let module = format!("{dir}/{target}.o");
                for part in objects {
                    if part != module {
                        self.part_of.entry(part).or_insert_with(|| module.clone());
                    }
                }
            }
        }
    }

    /// Records the driver names a C file (object `object`) declares.
    pub fn add_c_file(&mut self, object: &str, text: &str) {
        for line in text.lines() {
            let t = line.trim_start();
            let Some(rest) = t.strip_prefix(".name") else { continue };
            let Some(rest) = rest.trim_start().strip_prefix('=') else { continue };
            let Some(rest) = rest.trim_start().strip_prefix('"') else { continue };
            if let Some(name) = rest.split('"').next().filter(|n| !n.is_empty() && n.len() < 64) {
                self.by_driver_name.entry(name.to_string()).or_default().insert(object.to_string());
            }
        }
    }

    /// The symbol of an object, through the composite module it is part of.
    fn symbol_of(&self, object: &str) -> Option<(String, String)> {
        if let Some(s) = self.object_symbol.get(object) {
            return Some((s.clone(), object.to_string()));
        }
        let module = self.part_of.get(object)?;
        self.object_symbol.get(module).map(|s| (s.clone(), format!("{object} in {module}")))
    }

    /// The symbol building module `name` (e.g. `virtio_blk`).
    pub fn module(&self, name: &str) -> Option<Found> {
        let objects = self.by_module.get(&normalize(name))?;
        objects
            .iter()
            .find_map(|o| self.symbol_of(o))
            .map(|(symbol, object)| Found { symbol, how: format!("module {object}") })
    }

    /// The symbol building the driver a device is bound to (`driver` as sysfs names it):
    /// its module if one has that name, else the file declaring the driver (preferring
    /// one linked into a composite module: the driver's core, not a board file).
    pub fn driver(&self, driver: &str) -> Option<Found> {
        if let Some(found) = self.module(driver) {
            return Some(found);
        }
        let objects = self.by_driver_name.get(driver)?;
        let mut candidates: Vec<(bool, String, String)> = objects
            .iter()
            .filter_map(|o| self.symbol_of(o).map(|(s, how)| (self.part_of.contains_key(o), s, how)))
            .collect();
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.2.cmp(&b.2)));
        candidates
            .into_iter()
            .next()
            .map(|(_, symbol, how)| Found { symbol, how: format!("driver \"{driver}\" declared in {how}") })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> KbuildIndex {
        let mut i = KbuildIndex::default();
        i.add_makefile("drivers/block", "obj-$(CONFIG_VIRTIO_BLK)\t+= virtio_blk.o\nobj-y += foo/\n");
        i.add_makefile(
            "drivers/virtio",
            "obj-$(CONFIG_VIRTIO_PCI) += virtio_pci.o\nvirtio_pci-y := virtio_pci_modern.o \\\n\tvirtio_pci_common.o\n",
        );
        i.add_makefile(
            "drivers/tty/serial/8250",
            "obj-$(CONFIG_SERIAL_8250) += 8250.o\n8250-y := 8250_core.o\n8250-y += 8250_platform.o\nobj-$(CONFIG_SERIAL_8250_ACCENT) += 8250_accent.o\n",
        );
        i.add_c_file(
            "drivers/virtio/virtio_pci_common.o",
            "static struct pci_driver d = {\n\t.name\t\t= \"vpci\",\n};\n",
        );
        i.add_c_file("drivers/tty/serial/8250/8250_accent.o", "\t.name = \"serial8250\",\n");
        i.add_c_file("drivers/tty/serial/8250/8250_platform.o", "\t\t.name = \"serial8250\",\n");
        i
    }

    #[test]
    fn modules_and_drivers_resolve_to_their_symbols() {
        let i = index();
        assert_eq!(i.module("virtio_blk").unwrap().symbol, "VIRTIO_BLK");
        assert_eq!(i.driver("virtio_blk").unwrap().symbol, "VIRTIO_BLK");
        // A driver named like its module (`-` for `_`).
        assert_eq!(i.driver("virtio-pci").unwrap().how, "module drivers/virtio/virtio_pci.o");
        // Driver name differs from the module, declared in a part of a composite module.
        let pci = i.driver("vpci").unwrap();
        assert_eq!(pci.symbol, "VIRTIO_PCI");
        assert!(pci.how.contains("virtio_pci_common.o in drivers/virtio/virtio_pci.o"), "{}", pci.how);
        // Declared in a board file and in the core: the core wins.
        assert_eq!(i.driver("serial8250").unwrap().symbol, "SERIAL_8250");
        assert!(i.driver("nonexistent").is_none());
    }
}
