import CohortAPI
import GRPCCore

/// `grpc.reflection.v1alpha.ServerReflection`, which many tools still ask for. Its messages are
/// the v1 messages under another package, so each request is re-read as v1 and answered by
/// ``ReflectionService``.
struct ReflectionAlphaService: Grpc_Reflection_V1alpha_ServerReflection.ServiceProtocol {
  let reflection: ReflectionService

  func serverReflectionInfo(
    request: StreamingServerRequest<Grpc_Reflection_V1alpha_ServerReflectionRequest>, context: ServerContext
  ) async throws -> StreamingServerResponse<Grpc_Reflection_V1alpha_ServerReflectionResponse> {
    StreamingServerResponse { writer in
      for try await message in request.messages {
        let v1 = try Grpc_Reflection_V1_ServerReflectionRequest(serializedBytes: message.serializedBytes() as [UInt8])
        let answer = reflection.answer(v1)
        try await writer.write(
          Grpc_Reflection_V1alpha_ServerReflectionResponse(serializedBytes: answer.serializedBytes() as [UInt8]))
      }
      return [:]
    }
  }
}
