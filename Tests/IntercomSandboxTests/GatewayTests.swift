import HTTPTypes
import IntercomSandbox
import JSONText
import Testing

struct GatewayTests {
    @Test func missingOrWrongTokenIs401WithoutRateLimitHeaders() async throws {
        try await withSandbox(SandboxConfiguration(rateLimitPerMinute: 600)) { api in
            for token in [nil, "wrong"] as [String?] {
                var client = api
                client.token = token
                let response = try await client.get("/me")
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "unauthorized")
                #expect(response.errorMessage == "Access Token Invalid")
                #expect(response[header: "X-RateLimit-Limit"] == nil)
            }
            #expect(try await api.get("/me")[header: "X-RateLimit-Limit"] == "100")
        }
    }

    @Test func acceptMustAllowJSON() async throws {
        try await withSandbox { api in
            for accept in [nil, "text/html"] as [String?] {
                var client = api
                client.accept = accept
                let response = try await client.get("/me")
                #expect(response.status == .notAcceptable)
                #expect(response.errorCode == "media_type_not_acceptable")
            }
            for accept in ["*/*", "application/json; charset=utf-8", "application/vnd.intercom.3+json"] {
                var client = api
                client.accept = accept
                #expect(try await client.get("/me").status == .ok, "\(accept)")
            }
        }
    }

    @Test func unknownPathsAndMethodsAreIntercomShaped404s() async throws {
        try await withSandbox { api in
            for (method, path) in [(HTTPRequest.Method.get, "/nothing"), (.patch, "/contacts")] {
                let response = try await api.send(method, path)
                #expect(response.status == .notFound)
                #expect(response.json["type"] == .string("error.list"))
            }
        }
    }

    @Test func rateLimitWindowsFollowTheInjectedClock() async throws {
        let clock = ManualSandboxClock(1_800_000_003)
        // 60 per minute: 10 per 10-second window, windows aligned to multiples of 10 s.
        try await withSandbox(SandboxConfiguration(rateLimitPerMinute: 60), clock: clock) { api in
            for call in 1...10 {
                let response = try await api.get("/me")
                #expect(response.status == .ok)
                #expect(response[header: "X-RateLimit-Limit"] == "10")
                #expect(response[header: "X-RateLimit-Remaining"] == String(10 - call))
                #expect(response[header: "X-RateLimit-Reset"] == "1800000010")
            }
            let limited = try await api.get("/me")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "rate_limit_exceeded")
            #expect(limited.errorMessage == "Exceeded rate limit of 10 in 10_seconds")
            #expect(limited[header: "X-RateLimit-Remaining"] == "0")
            #expect(limited[header: "Retry-After"] == "7")

            clock.advance(by: 6.9)  // 1800000009.9: still the same window
            #expect(try await api.get("/me").status == .tooManyRequests)
            clock.advance(by: 0.1)  // 1800000010: a new window
            let fresh = try await api.get("/me")
            #expect(fresh.status == .ok)
            #expect(fresh[header: "X-RateLimit-Remaining"] == "9")
            #expect(fresh[header: "X-RateLimit-Reset"] == "1800000020")
        }
    }

    @Test func rateLimitZeroTurnsItOff() async throws {
        try await withSandbox(SandboxConfiguration(rateLimitPerMinute: 0)) { api in
            for _ in 0..<50 {
                let response = try await api.get("/me")
                #expect(response.status == .ok)
                #expect(response[header: "X-RateLimit-Limit"] == nil)
            }
        }
    }

    @Test func serverErrorFaultsAreDeterministicUnderASeed() async throws {
        func statuses(seed: UInt64) async throws -> [Int] {
            let collected = StatusLog()
            var faults = FaultPlan()
            faults.serverErrors = 0.3
            try await withSandbox(SandboxConfiguration(rateLimitPerMinute: 0, faults: faults, seed: seed)) { api in
                for _ in 0..<60 { await collected.add(try await api.get("/me").status.code) }
            }
            return await collected.values
        }
        let first = try await statuses(seed: 42)
        #expect(first == (try await statuses(seed: 42)))
        #expect(first != (try await statuses(seed: 43)))
        let failures = first.filter { $0 >= 500 }
        #expect(failures.count > 5 && failures.count < 35)
        #expect(Set(failures).isSubset(of: [500, 502, 503]))
        #expect(first.allSatisfy { $0 == 200 || $0 >= 500 })
    }

    @Test func dropFaultsBreakTheConnection() async throws {
        var faults = FaultPlan()
        faults.drops = 1
        try await withSandbox(SandboxConfiguration(rateLimitPerMinute: 0, faults: faults)) { api in
            await #expect(throws: (any Error).self) { _ = try await api.get("/me") }
        }
    }

    @Test func faultPlanParsing() throws {
        let plan = try FaultPlan(parsing: "5xx=0.05,drop=0.01,delay=0.02,delay_ms=300")
        #expect(plan.serverErrors == 0.05 && plan.drops == 0.01 && plan.delays == 0.02 && plan.delayMilliseconds == 300)
        #expect(throws: FaultPlanError.self) { try FaultPlan(parsing: "boom=1") }
        #expect(throws: FaultPlanError.self) { try FaultPlan(parsing: "5xx=0.7,drop=0.5") }
    }

    @Test func meAndMessages() async throws {
        try await withSandbox { api in
            let me = try await api.get("/me")
            #expect(me.json["type"] == .string("admin"))
            let admin = try #require(me.json["id"]?.stringValue)
            let contact = try await api.createContact(["email": .string("m@x.com")])
            let from: JSONValue = .object(["type": .string("admin"), "id": .number(admin)])
            let to: JSONValue = .object(["type": .string("user"), "id": .string(contact)])

            let inapp = try await api.post(
                "/messages",
                .object(["message_type": .string("in_app"), "body": .string("Hi"), "from": from, "to": to]))
            #expect(inapp.status == .ok)
            #expect(inapp.json["type"] == .string("admin_message"))
            #expect(inapp.json["message_type"] == .string("inapp"))

            let email = try await api.post(
                "/messages",
                .object([
                    "message_type": .string("email"), "body": .string("Hi"), "template": .string("plain"), "from": from,
                    "to": to,
                ]))
            #expect(email.status == .unprocessableContent)
            #expect(email.errorMessage == "No subject supplied for email message")

            let noBody = try await api.post(
                "/messages", .object(["message_type": .string("inapp"), "from": from, "to": to]))
            #expect(noBody.errorMessage == "Body is required")

            let stranger = try await api.post(
                "/messages",
                .object([
                    "message_type": .string("inapp"), "body": .string("Hi"), "from": from,
                    "to": .object(["type": .string("user"), "id": .string("000000000000000000000000")]),
                ]))
            #expect(stranger.status == .notFound)

            let notAdmin = try await api.post(
                "/messages",
                .object([
                    "message_type": .string("inapp"), "body": .string("Hi"),
                    "from": .object(["type": .string("admin"), "id": .number("1")]), "to": to,
                ]))
            #expect(notAdmin.status == .notFound)
        }
    }
}

actor StatusLog {
    var values: [Int] = []
    func add(_ value: Int) { values.append(value) }
}

struct LatencyAndDelayTests {
    @Test func delayedAndSlowRequestsStillAnswer() async throws {
        var faults = FaultPlan()
        faults.delays = 1
        faults.delayMilliseconds = 1
        try await withSandbox(SandboxConfiguration(rateLimitPerMinute: 0, latencyMilliseconds: 1, faults: faults)) {
            api in
            for _ in 0..<5 {
                let response = try await api.get("/me")
                #expect(response.status == .ok)
            }
        }
    }
}
