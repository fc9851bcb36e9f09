//! Tab completion at the session prompt: subcommands and builtins, flags, PIDs, and paths inside
//! the target's root, looked up the way `ls` does (the root's descriptor and `openat2` with
//! `RESOLVE_IN_ROOT`, see [`crate::fs::FsRoot`]); never a path joined onto `/proc/PID/root`.
//! After `>` the paths are toolbox's own, where the redirection writes.

use std::borrow::Cow;
use std::os::fd::AsFd;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::Context;

use crate::fs::{meta::Kind, open_dir, walk::DirNames, FsRoot};
use crate::target::Root;

/// The session's builtins, offered with the subcommands.
pub const BUILTINS: &[&str] = &["cd", "exit", "help", "pwd", "use"];
const FILTERS: &[&str] = &["grep", "head", "tail", "wc"];

/// What completion needs to know of the session; updated after `cd` and `use`.
pub struct Helper {
    /// The command-line definition (subcommands and their flags).
    pub cli: clap::Command,
    /// The root paths complete in; None when no target is chosen.
    pub root: Option<Root>,
    /// The session's working directory inside that root.
    pub cwd: String,
}

/// A name with the characters a session line would split or expand escaped by `\`.
pub fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if !(c.is_alphanumeric() || "-_./:=,+%@^~".contains(c)) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn pairs(items: impl Iterator<Item = (String, String)>, prefix: &str) -> Vec<Pair> {
    let mut v: Vec<Pair> = items
        .filter(|(_, r)| r.starts_with(prefix))
        .map(|(display, replacement)| Pair {
            display,
            replacement,
        })
        .collect();
    v.sort_by(|a, b| a.replacement.cmp(&b.replacement));
    v.dedup_by(|a, b| a.replacement == b.replacement);
    v
}

impl Helper {
    fn commands(&self, prefix: &str) -> Vec<Pair> {
        let subs = self
            .cli
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| s.get_name().to_string());
        let all = subs.chain(BUILTINS.iter().map(|s| s.to_string()));
        pairs(all.map(|n| (n.clone(), format!("{n} "))), prefix)
    }

    fn flags(&self, command: &str, prefix: &str) -> Vec<Pair> {
        let mut args: Vec<&clap::Arg> = self.cli.get_arguments().collect();
        if let Some(sub) = self.cli.find_subcommand(command) {
            args.extend(sub.get_arguments());
        }
        let mut names = Vec::new();
        for a in args.into_iter().filter(|a| !a.is_hide_set()) {
            if let Some(l) = a.get_long() {
                names.push(format!("--{l}"));
            }
            if let Some(s) = a.get_short() {
                names.push(format!("-{s}"));
            }
        }
        pairs(names.into_iter().map(|n| (n.clone(), n)), prefix)
    }

    fn pids(prefix: &str) -> Vec<Pair> {
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        let items = dir.filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.parse::<u32>().ok()?;
            let comm = std::fs::read_to_string(format!("/proc/{name}/comm")).unwrap_or_default();
            let display = format!("{name} {}", crate::output::sanitize(comm.trim_end()));
            Some((display, name))
        });
        pairs(items, prefix)
    }

    /// Paths inside the target's root that complete `word`.
    fn target_paths(&self, word: &str) -> Vec<Pair> {
        let Some(root) = &self.root else {
            return Vec::new();
        };
        let Ok(mut fs) = FsRoot::open(root.clone()) else {
            return Vec::new();
        };
        fs.set_cwd(self.cwd.as_bytes());
        let (dir, prefix) = match word.rfind('/') {
            Some(i) => (&word[..=i], &word[i + 1..]),
            None => ("", word),
        };
        let lookup = if dir.is_empty() { "." } else { dir };
        let Ok(node) = fs.lookup(lookup.as_bytes(), true) else {
            return Vec::new();
        };
        if Kind::of(node.stat.st_mode) != Kind::Dir {
            return Vec::new();
        }
        let Ok(dfd) = open_dir(node.fd.as_fd(), c".", 0) else {
            return Vec::new();
        };
        let mut scratch = Vec::new();
        let Ok(names) = DirNames::read(dfd.as_fd(), &mut scratch) else {
            return Vec::new();
        };
        let mut items = Vec::new();
        for i in 0..names.len() {
            let (name, kind) = names.get(i);
            let Ok(name) = name.to_str() else { continue };
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                continue;
            }
            let is_dir = match kind {
                Some(Kind::Dir) => true,
                Some(Kind::Symlink) | None => fs
                    .lookup(format!("{lookup}/{name}").as_bytes(), true)
                    .is_ok_and(|n| Kind::of(n.stat.st_mode) == Kind::Dir),
                _ => false,
            };
            let slash = if is_dir { "/" } else { "" };
            items.push((format!("{name}{slash}"), format!("{}{slash}", escape(name))));
        }
        pairs(items.into_iter(), "")
    }

    /// Paths in toolbox's own file system (after `>`).
    fn own_paths(word: &str) -> Vec<Pair> {
        let (dir, prefix) = match word.rfind('/') {
            Some(i) => (&word[..=i], &word[i + 1..]),
            None => ("", word),
        };
        let Ok(rd) = std::fs::read_dir(if dir.is_empty() { "." } else { dir }) else {
            return Vec::new();
        };
        let items = rd.filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().into_string().ok()?;
            if !name.starts_with(prefix) {
                return None;
            }
            let slash = if e.path().is_dir() { "/" } else { "" };
            Some((
                format!("{name}{slash}"),
                format!("{}{slash}", escape(&name)),
            ))
        });
        pairs(items, "")
    }

    /// Completions for `line` up to `pos`: where the replaced text starts, and the candidates.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        let before = &line[..pos];
        let start = before
            .rfind(|c: char| c.is_whitespace() || c == '|' || c == '>')
            .map_or(0, |i| i + 1);
        let word = &before[start..];
        let head = &before[..start];
        let segment = head.rsplit('|').next().unwrap_or("");
        let after_pipe = head.contains('|');
        let redirect = head.trim_end().ends_with('>');
        let prev: Vec<&str> = segment.split_whitespace().collect();
        if redirect {
            let base = word.rfind('/').map_or(start, |i| start + i + 1);
            return (base, Self::own_paths(word));
        }
        if prev.is_empty() {
            let list = if after_pipe {
                pairs(
                    FILTERS.iter().map(|f| (f.to_string(), format!("{f} "))),
                    word,
                )
            } else {
                self.commands(word)
            };
            return (start, list);
        }
        if after_pipe {
            return (start, Vec::new());
        }
        let command = prev[0];
        if word.starts_with('-') {
            return (start, self.flags(command, word));
        }
        let last = prev.last().copied().unwrap_or("");
        if matches!(last, "-p" | "--pid")
            || (prev.len() == 1 && matches!(command, "use" | "inspect" | "stack"))
        {
            return (start, Self::pids(word));
        }
        let base = word.rfind('/').map_or(start, |i| start + i + 1);
        (base, self.target_paths(word))
    }
}

impl Completer for Helper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.candidates(line, pos))
    }
}

impl Hinter for Helper {
    type Hint = String;
}

impl Highlighter for Helper {
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        Cow::Borrowed(prompt)
    }
}

impl Validator for Helper {}

impl rustyline::Helper for Helper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> Helper {
        let cli = clap::Command::new("toolbox")
            .arg(clap::Arg::new("pid").long("pid"))
            .subcommand(
                clap::Command::new("trace")
                    .arg(clap::Arg::new("p").short('p'))
                    .arg(clap::Arg::new("follow").short('f').long("follow")),
            )
            .subcommand(clap::Command::new("tail"));
        Helper {
            cli,
            root: None,
            cwd: "/".into(),
        }
    }

    fn replacements(v: &[Pair]) -> Vec<&str> {
        v.iter().map(|p| p.replacement.as_str()).collect()
    }

    #[test]
    fn completes_commands_flags_and_filters_by_position() {
        let h = helper();
        let (s, v) = h.candidates("tr", 2);
        assert_eq!((s, replacements(&v)), (0, vec!["trace "]));
        let (_, v) = h.candidates("", 0);
        assert!(replacements(&v).contains(&"use ") && replacements(&v).contains(&"tail "));
        let (s, v) = h.candidates("trace --f", 9);
        assert_eq!((s, replacements(&v)), (6, vec!["--follow"]));
        let (_, v) = h.candidates("trace -", 7);
        assert!(
            replacements(&v).contains(&"--pid"),
            "{:?}",
            replacements(&v)
        );
        let (s, v) = h.candidates("ps | he", 7);
        assert_eq!((s, replacements(&v)), (5, vec!["head "]));
        let (_, v) = h.candidates("ps |g", 5);
        assert_eq!(replacements(&v), vec!["grep "]);
        let (s, v) = h.candidates("trace -p 1", 10);
        assert_eq!(s, 9);
        assert!(replacements(&v).contains(&"1"), "{:?}", replacements(&v));
    }

    #[test]
    fn escape_reads_back_as_the_name() {
        for name in ["a b", "it's", "x$y", "plain.conf", "[x]"] {
            let line = format!("cat {}", escape(name));
            assert_eq!(
                crate::session::words::parse(&line).unwrap().words,
                ["cat", name]
            );
        }
    }
}
