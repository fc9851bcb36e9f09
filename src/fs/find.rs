//! find expressions as GNU find writes them (see find(1)): starting points, then tests `-name`,
//! `-iname`, `-path`, `-type`, `-size`, `-mtime`, `-mmin`, `-true`, `-false`; operators `!`, `-a`,
//! `-o`, `( )`; actions `-print`, `-print0`, `-prune`; options `-maxdepth`, `-mindepth`,
//! `-pseudo-fs`. Parsed into a tree that `toolbox find` evaluates on each walked entry.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use crate::fs::glob::Glob;
use crate::fs::walk::Entry;

/// Comparison of a number, as find writes it: `+N` more, `-N` less, `N` exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    /// More than.
    More(i64),
    /// Less than.
    Less(i64),
    /// Exactly.
    Exactly(i64),
}

impl Cmp {
    fn parse(s: &str) -> Option<(Cmp, &str)> {
        let (ctor, rest): (fn(i64) -> Cmp, &str) = match s.as_bytes().first()? {
            b'+' => (Cmp::More, &s[1..]),
            b'-' => (Cmp::Less, &s[1..]),
            _ => (Cmp::Exactly, s),
        };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: i64 = rest[..digits].parse().ok()?;
        Some((ctor(n), &rest[digits..]))
    }

    fn test(self, v: i64) -> bool {
        match self {
            Cmp::More(n) => v > n,
            Cmp::Less(n) => v < n,
            Cmp::Exactly(n) => v == n,
        }
    }
}

/// One test of the expression.
#[derive(Clone, Debug)]
pub enum Test {
    /// `-name`/`-iname`: the base name.
    Name(Glob),
    /// `-path`/`-ipath`: the whole path as printed.
    Path(Glob),
    /// `-type`: one of these letters.
    Type(Vec<char>),
    /// `-size`: in units of this many bytes, rounded up.
    Size(Cmp, u64),
    /// `-mtime` (unit 86400 s, rounded down) or `-mmin` (unit 60 s).
    Mtime(Cmp, i64),
}

/// A node of the expression tree.
#[derive(Clone, Debug)]
pub enum Node {
    /// A test.
    Test(Test),
    /// `-true` / `-false`.
    Const(bool),
    /// `! X`.
    Not(Box<Node>),
    /// `X -a Y` (Y evaluated only when X is true).
    And(Box<Node>, Box<Node>),
    /// `X -o Y` (Y evaluated only when X is false).
    Or(Box<Node>, Box<Node>),
    /// `-print` (`false`) or `-print0` (`true`): writes the path, is true.
    Print(bool),
    /// `-prune`: do not descend into this directory; is true.
    Prune,
}

impl Node {
    fn has_action(&self) -> bool {
        match self {
            Node::Print(_) => true,
            Node::Not(n) => n.has_action(),
            Node::And(a, b) | Node::Or(a, b) => a.has_action() || b.has_action(),
            _ => false,
        }
    }
}

/// A parsed command line.
#[derive(Clone, Debug)]
pub struct Expr {
    /// Starting points.
    pub paths: Vec<Vec<u8>>,
    /// The expression, with the implicit `-print` added when it has no action.
    pub root: Node,
    /// -maxdepth.
    pub max_depth: Option<usize>,
    /// -mindepth.
    pub min_depth: usize,
    /// -pseudo-fs.
    pub pseudo: bool,
}

/// Parse `PATH… EXPR` the way find does: paths until the first word starting with `-`, `!` or
/// `(`; then the expression, `-o` binding looser than `-a` (explicit or implied), `!` tightest.
pub fn parse(args: &[OsString]) -> Result<Expr, String> {
    let words: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    let first = words
        .iter()
        .position(|a| a.starts_with(b"-") || *a == b"!" || *a == b"(")
        .unwrap_or(words.len());
    let mut paths: Vec<Vec<u8>> = words[..first].iter().map(|p| p.to_vec()).collect();
    if paths.is_empty() {
        paths.push(b"/".to_vec());
    }
    let mut p = Parser {
        words: &words[first..],
        pos: 0,
        max_depth: None,
        min_depth: 0,
        pseudo: false,
    };
    let node = if p.words.is_empty() {
        Node::Const(true)
    } else {
        let n = p.or()?;
        if let Some(w) = p.peek() {
            return Err(format!("unexpected `{}'", String::from_utf8_lossy(w)));
        }
        n
    };
    let root = if node.has_action() {
        node
    } else {
        Node::And(Box::new(node), Box::new(Node::Print(false)))
    };
    Ok(Expr {
        paths,
        root,
        max_depth: p.max_depth,
        min_depth: p.min_depth,
        pseudo: p.pseudo,
    })
}

struct Parser<'a> {
    words: &'a [&'a [u8]],
    pos: usize,
    max_depth: Option<usize>,
    min_depth: usize,
    pseudo: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&[u8]> {
        self.words.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<&[u8]> {
        let w = self.words.get(self.pos).copied();
        self.pos += 1;
        w
    }

    fn or(&mut self) -> Result<Node, String> {
        let mut left = self.and()?;
        while matches!(self.peek(), Some(b"-o" | b"-or")) {
            self.pos += 1;
            let right = self.and()?;
            left = Node::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Node, String> {
        let mut left = self.unary()?;
        loop {
            match self.peek() {
                None | Some(b"-o" | b"-or" | b")") => return Ok(left),
                Some(b"-a" | b"-and") => self.pos += 1,
                Some(_) => {}
            }
            let right = self.unary()?;
            left = Node::And(Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Node, String> {
        let Some(word) = self.next() else {
            return Err("expected an expression at the end".into());
        };
        let w = String::from_utf8_lossy(word).into_owned();
        match w.as_str() {
            "!" | "-not" => Ok(Node::Not(Box::new(self.unary()?))),
            "(" => {
                let inner = self.or()?;
                match self.next() {
                    Some(b")") => Ok(inner),
                    _ => Err("missing `)'".into()),
                }
            }
            ")" => Err("unexpected `)'".into()),
            _ => self.primary(&w),
        }
    }

    fn value(&mut self, what: &str) -> Result<String, String> {
        self.next()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .ok_or_else(|| format!("missing argument to `{what}'"))
    }

    fn raw_value(&mut self, what: &str) -> Result<Vec<u8>, String> {
        self.next()
            .map(<[u8]>::to_vec)
            .ok_or_else(|| format!("missing argument to `{what}'"))
    }

    fn primary(&mut self, w: &str) -> Result<Node, String> {
        Ok(match w {
            "-print" => Node::Print(false),
            "-print0" => Node::Print(true),
            "-prune" => Node::Prune,
            "-true" => Node::Const(true),
            "-false" => Node::Const(false),
            // Options: true wherever they stand, as find treats them.
            "-pseudo-fs" | "--pseudo-fs" => {
                self.pseudo = true;
                Node::Const(true)
            }
            "-maxdepth" | "-mindepth" => {
                let v = self.value(w)?;
                let n: usize = v.parse().map_err(|_| {
                    format!("expected a non-negative decimal integer as argument to {w}, but got `{v}'")
                })?;
                if w == "-maxdepth" {
                    self.max_depth = Some(n);
                } else {
                    self.min_depth = n;
                }
                Node::Const(true)
            }
            "-name" | "-iname" => Node::Test(Test::Name(Glob::new(&self.raw_value(w)?, w == "-iname"))),
            "-path" | "-ipath" | "-wholename" => {
                Node::Test(Test::Path(Glob::new(&self.raw_value(w)?, w == "-ipath")))
            }
            "-type" => {
                let v = self.value(w)?;
                let mut kinds = Vec::new();
                for part in v.split(',') {
                    kinds.push(match part {
                        "f" => '-',
                        "d" => 'd',
                        "l" => 'l',
                        "p" => 'p',
                        "s" => 's',
                        "c" => 'c',
                        "b" => 'b',
                        _ => return Err(format!("unknown argument to -type: {part}")),
                    });
                }
                Node::Test(Test::Type(kinds))
            }
            "-size" => {
                let v = self.value(w)?;
                let (cmp, unit) =
                    Cmp::parse(&v).ok_or_else(|| format!("invalid argument `{v}' to `-size'"))?;
                let unit = match unit {
                    "" | "b" => 512,
                    "c" => 1,
                    "w" => 2,
                    "k" => 1024,
                    "M" => 1 << 20,
                    "G" => 1 << 30,
                    _ => return Err(format!("invalid -size unit in `{v}'")),
                };
                Node::Test(Test::Size(cmp, unit))
            }
            "-mtime" | "-mmin" => {
                let v = self.value(w)?;
                match Cmp::parse(&v) {
                    Some((cmp, "")) => {
                        Node::Test(Test::Mtime(cmp, if w == "-mtime" { 86_400 } else { 60 }))
                    }
                    _ => return Err(format!("invalid argument `{v}' to `{w}'")),
                }
            }
            other => {
                return Err(format!(
                    "unknown predicate `{other}' (toolbox find knows -name -iname -path -type -size -mtime -mmin -true -false ! -a -o ( ) -print -print0 -prune -maxdepth -mindepth -pseudo-fs; global options go before the command)"
                ))
            }
        })
    }
}

impl Test {
    /// Whether entry `e` passes this test; `now` is the time ages are measured from.
    pub fn matches(&self, e: &Entry<'_>, now: i64) -> bool {
        match self {
            Test::Name(g) => g.matches(e.name()),
            Test::Path(g) => g.matches(e.path),
            Test::Type(k) => k.contains(&e.kind.letter()),
            Test::Size(cmp, unit) => e
                .stat()
                .is_ok_and(|st| cmp.test((st.st_size.max(0) as u64).div_ceil(*unit) as i64)),
            Test::Mtime(cmp, unit) => e
                .stat()
                .is_ok_and(|st| age_test(*cmp, now - st.st_mtime, *unit)),
        }
    }
}

/// `-mtime` counts whole days, fractions dropped; `-mmin +N`/`-N` compare the exact age with N
/// minutes and `-mmin N` rounds the age up to whole minutes (GNU find's habits).
fn age_test(cmp: Cmp, age: i64, unit: i64) -> bool {
    if unit == 86_400 {
        return cmp.test(age.div_euclid(unit));
    }
    match cmp {
        Cmp::More(n) => age > n * unit,
        Cmp::Less(n) => age < n * unit,
        Cmp::Exactly(n) => (age + unit - 1).div_euclid(unit) == n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Expr, String> {
        parse(&s.split_whitespace().map(OsString::from).collect::<Vec<_>>())
    }

    #[test]
    fn parses_like_find() {
        let e = p("/etc /var -name *.conf ! -type d -size +2k -maxdepth 3").unwrap();
        assert_eq!(e.paths, vec![b"/etc".to_vec(), b"/var".to_vec()]);
        assert_eq!(e.max_depth, Some(3));
        // No action: the expression is ANDed with an implicit -print.
        assert!(matches!(e.root, Node::And(_, ref b) if matches!(**b, Node::Print(false))));
        assert_eq!(p("-type f").unwrap().paths, vec![b"/".to_vec()]);
        // -o binds looser than the implied -a.
        let e = p("/ -name a -type f -o -name b -print0").unwrap();
        assert!(matches!(e.root, Node::Or(ref a, _) if matches!(**a, Node::And(_, _))));
        assert!(p("/ ( -name a -o -name b ) -prune").is_ok());
        for bad in [
            "/ -bogus",
            "/ -name",
            "/ -size 3q",
            "/ !",
            "/ ( -name a",
            "/ -name a )",
            "/ -o",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }
}
