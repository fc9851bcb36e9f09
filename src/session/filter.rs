//! The filters a session offers after `|`: `grep [-i] [-v] RE`, `head [-n N]`, `tail [-n N]`,
//! `wc -l`, applied line by line to a command's output (bytes: output need not be UTF-8).

use std::collections::VecDeque;
use std::io::{self, BufRead, Write};

use regex::bytes::{Regex, RegexBuilder};

use super::SessionError;

/// One filter stage.
#[derive(Debug)]
pub enum Filter {
    /// Lines that match (or with `-v`, do not match) the regular expression.
    Grep {
        /// The expression.
        re: Regex,
        /// `-v`.
        invert: bool,
    },
    /// The first N lines.
    Head(usize),
    /// The last N lines.
    Tail(usize),
    /// The number of lines.
    CountLines,
}

const SUPPORTED: &str = "`grep [-i] [-v] RE`, `head [-n N]`, `tail [-n N]`, `wc -l`";

fn usage(msg: String) -> SessionError {
    SessionError::Filter(format!("{msg} (filters: {SUPPORTED})"))
}

/// `-n N`, `-nN`, `-N` or nothing (10).
fn count(name: &str, args: &[String]) -> Result<usize, SessionError> {
    let text = match args {
        [] => return Ok(10),
        [n, v] if n == "-n" => v.as_str(),
        [one] if one.starts_with("-n") => &one[2..],
        [one] if one.starts_with('-') => &one[1..],
        _ => return Err(usage(format!("{name}: unexpected {}", args.join(" ")))),
    };
    text.parse()
        .map_err(|_| usage(format!("{name}: not a line count: {text}")))
}

impl Filter {
    /// Parse a filter from its words (`["grep", "-i", "x"]`).
    pub fn parse(words: &[String]) -> Result<Filter, SessionError> {
        let (name, args) = match words.split_first() {
            Some((n, a)) => (n.as_str(), a),
            None => return Err(usage("a filter is missing".into())),
        };
        match name {
            "grep" => {
                let (mut icase, mut invert) = (false, false);
                let mut pattern: Option<&str> = None;
                let mut options_done = false;
                for a in args {
                    if !options_done && a == "--" {
                        options_done = true;
                    } else if !options_done && a.len() > 1 && a.starts_with('-') {
                        for c in a[1..].chars() {
                            match c {
                                'i' => icase = true,
                                'v' => invert = true,
                                _ => return Err(usage(format!("grep: unknown option -{c}"))),
                            }
                        }
                    } else if pattern.is_none() {
                        pattern = Some(a);
                    } else {
                        return Err(usage(format!(
                            "grep: one pattern only (a filter reads the command's output, not files): {a}"
                        )));
                    }
                }
                let Some(pattern) = pattern else {
                    return Err(usage("grep: a pattern is missing".into()));
                };
                let re = RegexBuilder::new(pattern)
                    .case_insensitive(icase)
                    .build()
                    .map_err(|e| SessionError::Filter(format!("grep: {e}")))?;
                Ok(Filter::Grep { re, invert })
            }
            "head" => Ok(Filter::Head(count("head", args)?)),
            "tail" => Ok(Filter::Tail(count("tail", args)?)),
            "wc" if args.len() == 1 && args[0] == "-l" => Ok(Filter::CountLines),
            "wc" => Err(usage("wc: only `wc -l`".into())),
            other => Err(usage(format!("unknown filter `{other}`"))),
        }
    }
}

/// A chain of filters fed one line at a time.
pub struct Chain {
    stages: Vec<Stage>,
}

struct Stage {
    filter: Filter,
    seen: usize,
    kept: VecDeque<Vec<u8>>,
}

impl Chain {
    /// A chain of `filters`, in order.
    pub fn new(filters: Vec<Filter>) -> Chain {
        Chain {
            stages: filters
                .into_iter()
                .map(|filter| Stage {
                    filter,
                    seen: 0,
                    kept: VecDeque::new(),
                })
                .collect(),
        }
    }

    /// Whether no later input can change the output: a `head` that has all its lines and only
    /// `grep`s before it. The reader may then stop reading (the command gets a broken pipe,
    /// its normal end).
    pub fn done(&self) -> bool {
        for s in &self.stages {
            match s.filter {
                Filter::Grep { .. } => continue,
                Filter::Head(n) => return s.seen >= n,
                _ => return false,
            }
        }
        false
    }

    /// Feed one line (with its newline, if it had one) into stage `from` onwards.
    fn feed_from(&mut self, from: usize, line: &[u8], out: &mut dyn Write) -> io::Result<()> {
        let Some(stage) = self.stages.get_mut(from) else {
            return out.write_all(line);
        };
        match &stage.filter {
            Filter::Grep { re, invert } => {
                let body = line.strip_suffix(b"\n").unwrap_or(line);
                if re.is_match(body) != *invert {
                    self.feed_from(from + 1, line, out)?;
                }
            }
            Filter::Head(n) => {
                if stage.seen < *n {
                    stage.seen += 1;
                    self.feed_from(from + 1, line, out)?;
                }
            }
            Filter::Tail(n) => {
                if *n > 0 {
                    if stage.kept.len() == *n {
                        stage.kept.pop_front();
                    }
                    stage.kept.push_back(line.to_vec());
                }
            }
            Filter::CountLines => {
                if line.ends_with(b"\n") {
                    stage.seen += 1;
                }
            }
        }
        Ok(())
    }

    /// Feed one line.
    pub fn feed(&mut self, line: &[u8], out: &mut dyn Write) -> io::Result<()> {
        self.feed_from(0, line, out)
    }

    /// The input ended: flush what `tail` and `wc` held, stage by stage.
    pub fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        for i in 0..self.stages.len() {
            let held: Vec<Vec<u8>> = match &self.stages[i].filter {
                Filter::Tail(_) => self.stages[i].kept.drain(..).collect(),
                Filter::CountLines => vec![format!("{}\n", self.stages[i].seen).into_bytes()],
                _ => continue,
            };
            for line in held {
                self.feed_from(i + 1, &line, out)?;
            }
        }
        Ok(())
    }

    /// Run `input` through the chain into `out`, stopping early when [`Chain::done`].
    pub fn run(&mut self, input: &mut dyn BufRead, out: &mut dyn Write) -> io::Result<()> {
        let mut line = Vec::new();
        while !self.done() {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            self.feed(&line, out)?;
        }
        self.finish(out)?;
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filt(spec: &[&[&str]], input: &str) -> String {
        let filters = spec
            .iter()
            .map(|w| Filter::parse(&w.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap())
            .collect();
        let mut out = Vec::new();
        Chain::new(filters)
            .run(&mut input.as_bytes(), &mut out)
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    const INPUT: &str = "PID COMMAND\n1 pause\n6 nginx: master\n7 nginx: worker\n8 toolbox\n";

    #[test]
    fn filters_behave_like_grep_head_tail_and_wc() {
        assert_eq!(
            filt(&[&["grep", "nginx"]], INPUT),
            "6 nginx: master\n7 nginx: worker\n"
        );
        assert_eq!(filt(&[&["grep", "-i", "NGINX"]], INPUT).lines().count(), 2);
        assert_eq!(filt(&[&["grep", "-iv", "NGINX"]], INPUT).lines().count(), 3);
        assert_eq!(
            filt(&[&["grep", "-v", "-i", "nginx|pid"]], INPUT),
            "1 pause\n8 toolbox\n"
        );
        assert_eq!(filt(&[&["grep", "^[0-9]+ n"]], INPUT).lines().count(), 2);
        assert_eq!(filt(&[&["head"]], INPUT), INPUT);
        assert_eq!(
            filt(&[&["head", "-n", "2"]], INPUT),
            "PID COMMAND\n1 pause\n"
        );
        assert_eq!(filt(&[&["head", "-1"]], INPUT), "PID COMMAND\n");
        assert_eq!(filt(&[&["head", "-n0"]], INPUT), "");
        assert_eq!(filt(&[&["tail", "-n", "1"]], INPUT), "8 toolbox\n");
        assert_eq!(filt(&[&["tail", "-n", "0"]], INPUT), "");
        assert_eq!(filt(&[&["wc", "-l"]], INPUT), "5\n");
        assert_eq!(filt(&[&["wc", "-l"]], "a\nb"), "1\n");
        assert_eq!(filt(&[&["tail", "-n", "1"]], "a\nb"), "b");
        assert_eq!(
            filt(&[&["grep", "nginx"], &["tail", "-1"], &["wc", "-l"]], INPUT),
            "1\n"
        );
        assert_eq!(
            filt(&[&["tail", "-n", "3"], &["head", "-n", "1"]], INPUT),
            "6 nginx: master\n"
        );
        assert_eq!(filt(&[&["wc", "-l"], &["grep", "5"]], INPUT), "5\n");
    }

    #[test]
    fn head_stops_reading_once_it_has_its_lines() {
        let f = vec![
            Filter::parse(&["grep".into(), "x".into()]).unwrap(),
            Filter::parse(&["head".into(), "-n".into(), "1".into()]).unwrap(),
        ];
        let mut chain = Chain::new(f);
        let mut out = Vec::new();
        chain.feed(b"a\n", &mut out).unwrap();
        assert!(!chain.done());
        chain.feed(b"x\n", &mut out).unwrap();
        assert!(chain.done());
        assert_eq!(out, b"x\n");
    }

    #[test]
    fn bad_filters_say_which_ones_exist() {
        for bad in [
            &["sort"][..],
            &["grep"],
            &["grep", "-c", "x"],
            &["grep", "a", "b"],
            &["grep", "("],
            &["head", "-n"],
            &["tail", "x"],
            &["wc"],
        ] {
            let w: Vec<String> = bad.iter().map(|s| s.to_string()).collect();
            let e = Filter::parse(&w).unwrap_err().to_string();
            assert!(e.contains("grep") || e.contains("regex"), "{bad:?}: {e}");
        }
    }
}
