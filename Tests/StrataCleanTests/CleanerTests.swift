import Testing
import StrataCore
import StrataIO
@testable import StrataClean

@Suite struct CleanerTests {
    @Test func datesInMixedFormats() {
        func days(_ values: [String?], _ formats: [DateCleaner.Order]? = nil) -> DateCleaner.Outcome {
            let b = ColumnBuilder(type: .string)
            for v in values { if let v { b.append(v) } else { b.appendNull() } }
            return DateCleaner(formats: formats).clean(b.finish())
        }
        func iso(_ o: DateCleaner.Outcome) -> [String?] { o.days.map { $0.map { CivilDate(daysSinceEpoch: Int($0)).description } } }
        // 25/12/2023 proves the column is day-first, so 03/04/2024 is 3 April.
        let dmy = days(["2024-02-29", "25/12/2023", "03/04/2024", "Mar 5, 2024", "5 March 2024", "20240105", nil, "31/02/2024", "soon"])
        #expect(iso(dmy) == ["2024-02-29", "2023-12-25", "2024-04-03", "2024-03-05", "2024-03-05", "2024-01-05", nil, nil, nil])
        #expect(dmy.detected == .dmy && dmy.unparseable == [7, 8] && dmy.ambiguous.isEmpty)
        // No evidence: ambiguous values are reported, not guessed.
        let unknown = days(["03/04/2024", "05/05/2024", "2024-01-01"])
        #expect(iso(unknown) == [nil, "2024-05-05", "2024-01-01"] && unknown.ambiguous == [0])
        // Conflicting evidence is no evidence.
        #expect(days(["13/01/2024", "01/13/2024", "02/03/2024"]).ambiguous == [2])
        // Formats given: tried in order.
        #expect(iso(days(["03/04/2024"], [.mdy])) == ["2024-03-04"])
    }

    @Test func specCleansAndReportsEveryColumn() throws {
        let t = try CSVReader.read(text: """
        id,region,email,phone,joined,age,income
        1, North ,A@X.com,(415) 555-0101,25/12/2023,41,50000
        2,north,bad-email,555,03/04/2024,,70000
        3,NTH,b@y.org,+44 20 7946 0958,2024-01-02,29,
        4,south,,,,35,90000

        """)
        let spec = try CleaningSpec.parse(yaml: """
        dates: {joined: {}}
        categoricals: {region: {case: lower, map: {nth: north}}}
        emails: [email]
        phones: {phone: US}
        missing: {age: median, income: {constant: 0}, joined: drop}
        """, source: "clean.yaml")
        let (out, report) = try Cleaner.clean(t, spec: spec)
        #expect(out.rowCount == 3 && report.rowsOut == 3)
        #expect(try (0..<3).map { try out.column("region").stringValue(at: $0) } == ["north", "north", "north"])
        #expect(try out.column("email").stringValue(at: 0) == "a@x.com" && out.column("email").isValid(1) == false)
        #expect(try out.column("phone").stringValue(at: 0) == "+14155550101" && out.column("phone").stringValue(at: 2) == "+442079460958")
        #expect(try out.column("joined").formatted(at: 1) == "2024-04-03")
        #expect(try out.column("age").doubleValue(at: 1) == 35)  // median of 41, 29, 35 (before the drop)
        #expect(try out.column("income").doubleValue(at: 2) == 0)
        let byColumn = Dictionary(report.columns.map { ($0.column + ":" + $0.step, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byColumn["region:categorical"]?.changed == 2)
        #expect(byColumn["email:email"]?.invalid == 1 && byColumn["phone:phone (E.164)"]?.invalid == 1)
        #expect(byColumn["joined:drop missing"]?.dropped == 1)
        #expect(report.imputation == ["age": "35", "income": "0"])
        // Reused on new data: the recorded value, not a new median.
        let fresh = try CSVReader.read(text: "id,age,income\n9,,1\n10,90,2\n")
        let spec2 = try CleaningSpec.parse(yaml: "missing: {age: median}", source: "c.yaml")
        let (again, _) = try Cleaner.clean(fresh, spec: spec2, imputation: report.imputation)
        #expect(try again.column("age").doubleValue(at: 0) == 35)
        #expect(throws: StrataError.self) { try CleaningSpec.parse(yaml: "missing: {age: sometimes}", source: "c.yaml") }
    }
}
