<?php
/**
 * EdDSA (Ed25519) JSON Web Tokens, signed with PHP's sodium.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Mints the short-lived tokens the service verifies with the public key the
 * plugin registered at connect time.
 */
final class Token {
	const LIFETIME = 300; // Five minutes; the service refuses more than fifteen.

	/**
	 * Returns a signed token.
	 *
	 * @param string $secret_key 64-byte Ed25519 secret key.
	 * @param string $kid        Key id the service gave at connect time.
	 * @param string $store_id   Store id (the issuer).
	 * @param string $subject    WordPress user id.
	 * @param string $scope      'shopper' or 'admin'.
	 * @param int    $now        Unix time (injectable for tests).
	 */
	public static function mint( string $secret_key, string $kid, string $store_id, string $subject, string $scope, int $now ): string {
		$header = array(
			'alg' => 'EdDSA',
			'typ' => 'JWT',
			'kid' => $kid,
		);
		$claims = array(
			'iss'   => $store_id,
			'aud'   => 'vafa',
			'sub'   => $subject,
			'scope' => $scope,
			'iat'   => $now,
			'nbf'   => $now,
			'exp'   => $now + self::LIFETIME,
		);
		$input  = self::b64( wp_json_encode( $header ) ) . '.' . self::b64( wp_json_encode( $claims ) );
		return $input . '.' . self::b64( sodium_crypto_sign_detached( $input, $secret_key ) );
	}

	/**
	 * Base64url without padding, as JWTs use.
	 *
	 * @param string $data Bytes.
	 */
	public static function b64( string $data ): string {
		return rtrim( strtr( base64_encode( $data ), '+/', '-_' ), '=' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- JWT encoding.
	}
}
