import CohortAPI
import CohortDomain
import CohortMapping

extension CohortView {
  var proto: Cohort_V1_Cohort {
    .with {
      $0.cohortID = cohortID.lowercased
      $0.number = Int32(number)
      $0.title = title
      $0.price = price.proto
      $0.capacity = Int32(capacity)
      $0.startsOn = startsOn.proto
      $0.endsOn = endsOn.proto
      $0.status = status.proto
      $0.seatsTaken = Int32(seatsTaken)
      $0.waitlistLength = Int32(waitlist.count)
      $0.scheduledAt = .init(scheduledAt)
    }
  }
}

extension CohortStatus {
  var proto: Cohort_V1_CohortStatus {
    switch self {
    case .notScheduled: .unspecified
    case .scheduled: .scheduled
    case .open: .open
    case .closed: .closed
    case .started: .started
    case .completed: .completed
    case .cancelled: .cancelled
    }
  }
}

extension RosterEntry {
  var proto: Cohort_V1_RosterEntry {
    .with {
      $0.memberID = memberID.lowercased
      if let contact {
        $0.name = contact.name
        $0.email = contact.email
      } else {
        $0.erased = true
      }
      $0.since = .init(since)
      switch seat {
      case nil: break
      case .paid: $0.seat = .paid
      case .scholarship(let reason, _):
        $0.seat = .scholarship
        $0.seatReason = reason
      case .free(let reason, _):
        $0.seat = .free
        $0.seatReason = reason
      }
    }
  }
}
