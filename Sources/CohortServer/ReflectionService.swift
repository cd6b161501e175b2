import CohortAPI
import Foundation
import GRPCCore

/// `grpc.reflection.v1.ServerReflection`, answered from the descriptor set generated with the
/// API (`Sources/CohortAPI/DescriptorSet.swift`), so generic gRPC tools can list and call
/// cohortd's services.
struct ReflectionService: Grpc_Reflection_V1_ServerReflection.ServiceProtocol {
  typealias Request = Grpc_Reflection_V1_ServerReflectionRequest
  typealias Response = Grpc_Reflection_V1_ServerReflectionResponse

  let index: DescriptorIndex

  init() throws {
    guard let data = Data(base64Encoded: cohortAPIDescriptorSetBase64) else {
      throw RPCError(code: .internalError, message: "the embedded descriptor set is not base64")
    }
    index = try DescriptorIndex(serializedSet: data)
  }

  func serverReflectionInfo(
    request: StreamingServerRequest<Request>, context: ServerContext
  ) async throws -> StreamingServerResponse<Response> {
    StreamingServerResponse { writer in
      for try await message in request.messages {
        try await writer.write(answer(message))
      }
      return [:]
    }
  }

  func answer(_ request: Request) -> Response {
    var response = Response()
    response.validHost = request.host
    response.originalRequest = request
    do {
      switch request.messageRequest {
      case .listServices:
        response.listServicesResponse = .with {
          $0.service = index.services.map { name in .with { $0.name = name } }
        }
      case .fileByFilename(let name):
        guard let files = try index.serializedFileWithDependencies(name) else {
          return notFound(response, "file '\(name)' is not known")
        }
        response.fileDescriptorResponse = .with { $0.fileDescriptorProto = files }
      case .fileContainingSymbol(let symbol):
        guard let name = index.fileName(containing: symbol),
          let files = try index.serializedFileWithDependencies(name)
        else {
          return notFound(response, "symbol '\(symbol)' is not known")
        }
        response.fileDescriptorResponse = .with { $0.fileDescriptorProto = files }
      case .allExtensionNumbersOfType(let type):
        guard index.isMessage(type) else { return notFound(response, "type '\(type)' is not known") }
        response.allExtensionNumbersResponse = .with { $0.baseTypeName = type }
      case .fileContainingExtension(let request):
        return notFound(response, "no extension \(request.extensionNumber) of '\(request.containingType)'")
      case nil:
        response.errorResponse = .with {
          $0.errorCode = Int32(RPCError.Code.invalidArgument.rawValue)
          $0.errorMessage = "the request names nothing to look up"
        }
      }
    } catch {
      response.errorResponse = .with {
        $0.errorCode = Int32(RPCError.Code.internalError.rawValue)
        $0.errorMessage = "descriptor could not be encoded"
      }
    }
    return response
  }

  private func notFound(_ response: Response, _ message: String) -> Response {
    var response = response
    response.errorResponse = .with {
      $0.errorCode = Int32(RPCError.Code.notFound.rawValue)
      $0.errorMessage = String(message.prefix(500))
    }
    return response
  }
}
