//! A session line as a POSIX shell splits it: words with `'…'`, `"…"` and `\` quoting, then
//! `|` into the built-in filters and `>`/`>>` into a file of toolbox's own file system.
//!
//! What a shell would expand (variables, globs, command substitution) is refused with a sentence
//! saying so, rather than passed on literally: `cat /var/log/*.log` silently meaning a file named
//! `*.log` would mislead. See: POSIX.1-2017 XCU 2.2 Quoting, 2.3 Token Recognition.

use std::path::PathBuf;

use super::filter::Filter;
use super::SessionError;

/// One token of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A word, quotes removed.
    Word(String),
    /// `|`
    Pipe,
    /// `>`
    Truncate,
    /// `>>`
    Append,
}

/// Where a line's output goes when it is redirected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// A path in toolbox's own file system (not the target's).
    pub path: PathBuf,
    /// `>>` rather than `>`.
    pub append: bool,
}

/// A parsed line: the command's words, the filters after it, the redirection at its end.
#[derive(Debug, Default)]
pub struct Line {
    /// The command and its arguments (empty for a blank or comment line).
    pub words: Vec<String>,
    /// `| grep …`, `| head …`, in order.
    pub filters: Vec<Filter>,
    /// `> FILE` or `>> FILE`.
    pub redirect: Option<Redirect>,
}

fn unsupported(what: &'static str, hint: &'static str) -> SessionError {
    SessionError::Unsupported { what, hint }
}

/// Split `line` into tokens as a POSIX shell does for words and quotes.
pub fn tokens(line: &str) -> Result<Vec<Token>, SessionError> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    // The word being built; `Some` once any character (or empty quotes) started it.
    let mut word: Option<String> = None;
    let finish = |word: &mut Option<String>, out: &mut Vec<Token>| {
        if let Some(w) = word.take() {
            out.push(Token::Word(w));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => finish(&mut word, &mut out),
            '#' if word.is_none() => break,
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err(SessionError::Unterminated('\'')),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => w.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err(SessionError::Unterminated('"')),
                        },
                        Some('$') => return Err(dollar(chars.peek().copied())),
                        Some('`') => {
                            return Err(unsupported("command substitution", "quote it with '…'"))
                        }
                        Some(c) => w.push(c),
                        None => return Err(SessionError::Unterminated('"')),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err(SessionError::TrailingBackslash),
            },
            '|' => {
                finish(&mut word, &mut out);
                if chars.peek() == Some(&'|') {
                    return Err(unsupported("`||`", "run the commands one by one"));
                }
                out.push(Token::Pipe);
            }
            '>' => {
                finish(&mut word, &mut out);
                if chars.peek() == Some(&'>') {
                    chars.next();
                    out.push(Token::Append);
                } else {
                    out.push(Token::Truncate);
                }
            }
            '<' => {
                return Err(unsupported(
                    "input redirection",
                    "name the file as an argument",
                ))
            }
            ';' | '&' => {
                return Err(unsupported(
                    "`;` and `&`",
                    "run the commands one by one (quote them to mean the character)",
                ))
            }
            '(' | ')' => return Err(unsupported("subshells", "quote parentheses with '…'")),
            '$' => return Err(dollar(chars.peek().copied())),
            '`' => return Err(unsupported("command substitution", "quote it with '…'")),
            '*' | '?' | '[' => {
                return Err(unsupported(
                    "globs",
                    "name the files, or quote the word to mean it literally ('a*b')",
                ))
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    finish(&mut word, &mut out);
    Ok(out)
}

fn dollar(next: Option<char>) -> SessionError {
    match next {
        Some('(') => unsupported("command substitution", "quote `$` with '…' or \\$"),
        _ => unsupported(
            "variables",
            "quote `$` with '…' or \\$ to mean it literally",
        ),
    }
}

/// Parse `line` into a command, its filters and its redirection.
pub fn parse(line: &str) -> Result<Line, SessionError> {
    let toks = tokens(line)?;
    let mut segments: Vec<Vec<String>> = vec![Vec::new()];
    let mut redirect: Option<Redirect> = None;
    let mut it = toks.into_iter().peekable();
    while let Some(t) = it.next() {
        if redirect.is_some() {
            return Err(SessionError::Syntax(
                "a redirection ends the line: `CMD [| FILTER]… > FILE`".into(),
            ));
        }
        match t {
            Token::Word(w) => segments.last_mut().map_or((), |s| s.push(w)),
            Token::Pipe => {
                if segments.last().is_some_and(Vec::is_empty) {
                    return Err(SessionError::Syntax("`|` needs a command before it".into()));
                }
                segments.push(Vec::new());
            }
            Token::Truncate | Token::Append => match it.next() {
                Some(Token::Word(path)) => {
                    redirect = Some(Redirect {
                        path: PathBuf::from(path),
                        append: t == Token::Append,
                    })
                }
                _ => {
                    return Err(SessionError::Syntax(
                        "`>` needs a file name after it".into(),
                    ))
                }
            },
        }
    }
    let mut segments = segments.into_iter();
    let words = segments.next().unwrap_or_default();
    let mut filters = Vec::new();
    for seg in segments {
        if seg.is_empty() {
            return Err(SessionError::Syntax("`|` needs a filter after it".into()));
        }
        filters.push(Filter::parse(&seg)?);
    }
    if words.is_empty() && (!filters.is_empty() || redirect.is_some()) {
        return Err(SessionError::Syntax(
            "a pipe or redirection needs a command".into(),
        ));
    }
    Ok(Line {
        words,
        filters,
        redirect,
    })
}

/// `word` quoted so that [`tokens`] reads it back as itself (for completion and echo).
pub fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=,+%@^~".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        tokens(s)
            .unwrap()
            .into_iter()
            .map(|t| match t {
                Token::Word(w) => w,
                other => panic!("not a word: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn words_and_quotes_split_as_a_posix_shell_does() {
        assert_eq!(words("  ls   -l /etc "), ["ls", "-l", "/etc"]);
        assert_eq!(
            words(r#"cat 'a b' "c d" e\ f"#),
            ["cat", "a b", "c d", "e f"]
        );
        assert_eq!(words(r#"grep "a\"b\\c\d" x"#), ["grep", r#"a"b\c\d"#, "x"]);
        assert_eq!(words(r"echo 'it'\''s'"), ["echo", "it's"]);
        assert_eq!(words("a'b'\"c\"d"), ["abcd"]);
        assert_eq!(words("x '' \"\""), ["x", "", ""]);
        assert_eq!(words("ls # a comment"), ["ls"]);
        assert_eq!(words("ls a#b"), ["ls", "a#b"]);
        assert_eq!(words(r"grep '\$x|y' '*.log'"), ["grep", r"\$x|y", "*.log"]);
        assert_eq!(words(r"cat \$HOME \*"), ["cat", "$HOME", "*"]);
        assert_eq!(
            words("trace -e trace=%network"),
            ["trace", "-e", "trace=%network"]
        );
    }

    #[test]
    fn expansions_and_other_shell_syntax_are_refused_by_name() {
        for (line, what) in [
            ("cat $HOME", "variables"),
            ("cat \"${X}\"", "variables"),
            ("cat $(ls)", "command substitution"),
            ("cat `ls`", "command substitution"),
            ("cat \"`ls`\"", "command substitution"),
            ("cat /var/log/*.log", "globs"),
            ("ls a?", "globs"),
            ("capture tcp[13] = 2", "globs"),
            ("ps; ls", "`;` and `&`"),
            ("ps && ls", "`;` and `&`"),
            ("ps || ls", "`||`"),
            ("cat < x", "input redirection"),
        ] {
            match tokens(line) {
                Err(SessionError::Unsupported { what: w, .. }) => assert_eq!(w, what, "{line}"),
                other => panic!("{line}: {other:?}"),
            }
        }
        assert!(matches!(
            tokens("cat 'x"),
            Err(SessionError::Unterminated('\''))
        ));
        assert!(matches!(
            tokens("cat \"x"),
            Err(SessionError::Unterminated('"'))
        ));
        assert!(matches!(
            tokens("cat x\\"),
            Err(SessionError::TrailingBackslash)
        ));
    }

    #[test]
    fn pipes_and_redirections_parse_into_filters_and_a_file() {
        let l = parse("ps -f | grep -i -v NGINX | head -n 3 > /ps.txt").unwrap();
        assert_eq!(l.words, ["ps", "-f"]);
        assert_eq!(l.filters.len(), 2);
        assert_eq!(
            l.redirect,
            Some(Redirect {
                path: "/ps.txt".into(),
                append: false
            })
        );
        let l = parse("ps>>/a").unwrap();
        assert_eq!(l.words, ["ps"]);
        assert!(l.redirect.as_ref().is_some_and(|r| r.append));
        let l = parse("grep x '/a|b' '>c'").unwrap();
        assert_eq!(l.words, ["grep", "x", "/a|b", ">c"]);
        assert!(l.filters.is_empty() && l.redirect.is_none());
        assert!(parse("").unwrap().words.is_empty());
        assert!(parse("# only a comment").unwrap().words.is_empty());
        for bad in [
            "| grep x",
            "ps |",
            "ps | | head",
            "ps >",
            "ps > a b",
            "ps > a | head",
            "ps | sort",
            "ps | grep",
            "ps | head -n x",
            "ps | wc",
            "> /a",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quote_reads_back_as_the_same_word() {
        for w in ["plain", "a b", "it's", "", "$x", "*", "a\"b", "tab\there"] {
            assert_eq!(words(&format!("x {}", quote(w))), ["x", w], "{w}");
        }
    }
}
