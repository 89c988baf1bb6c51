/// Spells out `column IN ('a','b','c')` in a CREATE TABLE text as `=` comparisons joined by OR.
///
/// SQLite evaluates a constant IN list of three values or more by building a temporary lookup
/// table each time the expression runs; in a CHECK that is every insert and update. The spelt-out
/// form accepts the same values (and NULL, as IN does) and needs no table.
enum CheckListExpansion {
    static func expanded(_ sql: String) -> String {
        let list = #/(?<column>[A-Za-z_][A-Za-z0-9_]*) IN \((?<values>'[^']*'(?:\s*,\s*'[^']*')+)\)/#
        return sql.replacing(list) { match in
            let values = match.output.values.matches(of: #/'[^']*'/#).map { String($0.output) }
            // Two values or fewer are compared directly by SQLite already. `x NOT IN (…)` and a
            // qualified `t.x IN (…)` are left as they are: spelling them out takes more than this.
            let qualified = match.range.lowerBound > sql.startIndex && sql[sql.index(before: match.range.lowerBound)] == "."
            guard values.count > 2, match.output.column.uppercased() != "NOT", !qualified else { return String(match.output.0) }
            return "(" + values.map { "\(match.output.column) = \($0)" }.joined(separator: " OR ") + ")"
        }
    }
}
