/// The named RFM segments, from the recency and frequency scores (1–5).
///
/// The usual eleven-segment map on the R × F grid (frequency standing for the F–M pair, as the
/// common marketing guides draw it):
///
/// | segment            | R   | F   |
/// |--------------------|-----|-----|
/// | Champions          | 5   | 4–5 |
/// | Loyal              | 3–4 | 4–5 |
/// | Potential Loyalist | 4–5 | 2–3 |
/// | New                | 5   | 1   |
/// | Promising          | 4   | 1   |
/// | Need Attention     | 3   | 3   |
/// | About to Sleep     | 3   | 1–2 |
/// | Cannot Lose Them   | 1–2 | 5   |
/// | At Risk            | 1–2 | 3–4 |
/// | Hibernating        | 1–2 | 1–2, except R 1 F 1 |
/// | Lost               | 1   | 1   |
///
/// Every (R, F) pair falls in exactly one segment.
public enum RFMSegments {
    public static let names = ["Champions", "Loyal", "Potential Loyalist", "New", "Promising", "Need Attention",
                               "About to Sleep", "Cannot Lose Them", "At Risk", "Hibernating", "Lost"]

    public static func name(r: Int, f: Int) -> String {
        switch (r, f) {
        case (5, 4...5): return "Champions"
        case (3...4, 4...5): return "Loyal"
        case (4...5, 2...3): return "Potential Loyalist"
        case (5, 1): return "New"
        case (4, 1): return "Promising"
        case (3, 3): return "Need Attention"
        case (3, 1...2): return "About to Sleep"
        case (1...2, 5): return "Cannot Lose Them"
        case (1...2, 3...4): return "At Risk"
        case (1, 1): return "Lost"
        default: return "Hibernating"
        }
    }
}
