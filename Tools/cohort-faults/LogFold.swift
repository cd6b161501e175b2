import CohortAPI
import EventStore
import Foundation
import SwiftProtobuf

/// A fresh fold of the enrollment events in the log, written here independently of the server's
/// read model, with the invariants checked on every event: capacity never exceeded, no member
/// twice in a cohort, a waitlist only when full, promotions from the head of the waitlist, a seat
/// freed by a withdrawal taken by the next on the waitlist in the same command.
struct LogFold {
  struct Cohort {
    var stream: String
    var number: Int32 = 0
    var capacity: Int32 = 0
    var status = "scheduled"
    var enrolled: [String] = []
    var waitlist: [String] = []
    var scheduledCount = 0
  }

  /// One event of an enrollment command, as `verify` matches it to a request.
  struct Applied {
    var type: String
    var memberID: String
    var stream: String
    var version: Int64
    var position: Int64
    var wasWaitlisted = false
  }

  private(set) var cohorts: [String: Cohort] = [:]
  /// Request id -> its events in log order.
  private(set) var byRequest: [String: [Applied]] = [:]
  private(set) var violations: [String] = []
  private(set) var eventCount = 0
  private(set) var typeCounts: [String: Int] = [:]
  private(set) var head: Int64 = 0

  /// Which cohort streams have a withdrawal of an enrolled member waiting for its promotion
  /// (the promotion must be the next event of the same request).
  private var pendingPromotion: [String: (request: String, position: Int64)] = [:]

  mutating func apply(_ event: RecordedEvent) {
    eventCount += 1
    head = max(head, event.position)
    let shortType = String(event.type.split(separator: ".").last ?? Substring(event.type))
    typeCounts[shortType, default: 0] += 1
    guard event.stream.name.hasPrefix("cohort-") else { return }
    let key = "\(event.stream.tenantID.uuidString.lowercased())/\(event.stream.name)"
    let requestID = (try? Cohort_V1_Events_EventMetadata(serializedBytes: event.metadata))?.requestID ?? ""
    var cohort = cohorts[key] ?? Cohort(stream: key)

    if let pending = pendingPromotion[key], shortType != "MemberPromoted" || pending.request != requestID {
      if !cohort.waitlist.isEmpty {
        violate(
          "position \(pending.position): a seat freed in \(key) with \(cohort.waitlist.count) waiting, but no promotion in the same command"
        )
      }
      pendingPromotion[key] = nil
    }

    var applied = Applied(
      type: shortType, memberID: "", stream: key, version: event.version, position: event.position)
    do {
      switch shortType {
      case "CohortScheduled":
        let m = try Cohort_V1_Events_CohortScheduled(serializedBytes: event.data)
        cohort.scheduledCount += 1
        if cohort.scheduledCount > 1 { violate("position \(event.position): cohort \(m.number) scheduled twice") }
        cohort.number = m.number
        cohort.capacity = m.capacity
      case "EnrollmentOpened":
        cohort.status = "open"
      case "EnrollmentClosed":
        cohort.status = "closed"
      case "CohortStarted":
        cohort.status = "started"
      case "CohortCompleted":
        cohort.status = "completed"
      case "CohortCancelled":
        cohort.status = "cancelled"
        cohort.enrolled = []
        cohort.waitlist = []
      case "DiscountGranted":
        break
      case "MemberEnrolled":
        let m = try Cohort_V1_Events_MemberEnrolled(serializedBytes: event.data)
        applied.memberID = m.memberID
        checkNew(m.memberID, in: cohort, at: event.position)
        if cohort.enrolled.count >= Int(cohort.capacity) {
          violate(
            "position \(event.position): cohort \(cohort.number) over capacity \(cohort.capacity) (\(cohort.enrolled.count + 1) enrolled)"
          )
        }
        if cohort.status != "open" { violate("position \(event.position): enrolled while \(cohort.status)") }
        cohort.enrolled.append(m.memberID)
      case "MemberWaitlisted":
        let m = try Cohort_V1_Events_MemberWaitlisted(serializedBytes: event.data)
        applied.memberID = m.memberID
        checkNew(m.memberID, in: cohort, at: event.position)
        if cohort.enrolled.count < Int(cohort.capacity) {
          violate(
            "position \(event.position): waitlisted in cohort \(cohort.number) with \(Int(cohort.capacity) - cohort.enrolled.count) seats free"
          )
        }
        cohort.waitlist.append(m.memberID)
      case "MemberWithdrew":
        let m = try Cohort_V1_Events_MemberWithdrew(serializedBytes: event.data)
        applied.memberID = m.memberID
        applied.wasWaitlisted = m.wasWaitlisted
        if m.wasWaitlisted {
          guard let index = cohort.waitlist.firstIndex(of: m.memberID) else {
            violate("position \(event.position): \(m.memberID) withdrew from a waitlist they are not on")
            break
          }
          cohort.waitlist.remove(at: index)
        } else {
          guard let index = cohort.enrolled.firstIndex(of: m.memberID) else {
            violate("position \(event.position): \(m.memberID) withdrew but was not enrolled")
            break
          }
          cohort.enrolled.remove(at: index)
          pendingPromotion[key] = (requestID, event.position)
        }
      case "MemberPromoted":
        let m = try Cohort_V1_Events_MemberPromoted(serializedBytes: event.data)
        applied.memberID = m.memberID
        if pendingPromotion[key]?.request != requestID {
          violate("position \(event.position): a promotion that no withdrawal of the same command freed a seat for")
        }
        pendingPromotion[key] = nil
        if cohort.waitlist.first != m.memberID {
          violate("position \(event.position): promoted \(m.memberID), not the head of the waitlist")
        }
        cohort.waitlist.removeAll { $0 == m.memberID }
        if cohort.enrolled.count >= Int(cohort.capacity) {
          violate("position \(event.position): promotion over capacity in cohort \(cohort.number)")
        }
        cohort.enrolled.append(m.memberID)
      default:
        violate("position \(event.position): unknown event type \(event.type) in a cohort stream")
      }
    } catch {
      violate("position \(event.position): \(event.type) does not decode: \(error)")
    }
    cohorts[key] = cohort
    byRequest[requestID, default: []].append(applied)
  }

  /// Ends the fold: a withdrawal at the very end of a stream must have been promoted too.
  mutating func finish() {
    for (key, pending) in pendingPromotion where !(cohorts[key]?.waitlist.isEmpty ?? true) {
      violate("position \(pending.position): a seat freed in \(key) with members waiting, but no promotion")
    }
    pendingPromotion = [:]
  }

  private mutating func checkNew(_ member: String, in cohort: Cohort, at position: Int64) {
    if cohort.enrolled.contains(member) || cohort.waitlist.contains(member) {
      violate("position \(position): member \(member) is in cohort \(cohort.number) twice")
    }
  }

  private mutating func violate(_ text: String) {
    violations.append(text)
  }
}
