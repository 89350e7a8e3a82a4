<?php
/**
 * Redeems and releases rewards at the service for a shopper.
 *
 * @package Vafa
 */

namespace Vafa\Rewards;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Program;

defined( 'ABSPATH' ) || exit;

/**
 * The shopper's side of rewards: the catalog with what they can afford,
 * their issued rewards, redeeming (points held, a single-use code issued)
 * and releasing an unused one. The client is injected.
 */
final class Redeemer {
	/**
	 * The client; null when not connected.
	 *
	 * @var ApiClient|null
	 */
	private $client;

	/**
	 * Constructor.
	 *
	 * @param ApiClient|null $client The client.
	 */
	public function __construct( ?ApiClient $client ) {
		$this->client = $client;
	}

	/**
	 * A redeemer for the connected store.
	 */
	public static function current(): self {
		return new self( \Vafa\Storefront\View::client() );
	}

	/**
	 * The active catalog for the user, each with affordable and reason.
	 *
	 * @param int $user_id WordPress user id.
	 * @return array{available:int,items:array<int,array<string,mixed>>}|null Null when the service cannot answer.
	 */
	public function catalog( int $user_id ): ?array {
		if ( ! $this->client ) {
			return null;
		}
		// Part of the shopper's summary, cached a minute like the balance
		// (the block cart asks on every cart response); a redemption or
		// release drops the copy.
		$me = $this->client->cached_get( $user_id, \Vafa\Storefront\View::SUMMARY );
		$a  = is_array( $me['rewards'] ?? null ) ? $me['rewards'] : null;
		if ( null === $a || ! empty( $me['stale_since'] ) ) {
			return null;
		}
		return array(
			'available' => (int) ( $a['available'] ?? 0 ),
			'items'     => is_array( $a['items'] ?? null ) ? $a['items'] : array(),
		);
	}

	/**
	 * The user's issued rewards, newest first.
	 *
	 * @param int $user_id WordPress user id.
	 * @return array<int,array<string,mixed>>|null
	 */
	public function issued( int $user_id ): ?array {
		if ( ! $this->client ) {
			return null;
		}
		$me = $this->client->cached_get( $user_id, \Vafa\Storefront\View::SUMMARY );
		$a  = is_array( $me['redemptions'] ?? null ) ? $me['redemptions'] : null;
		if ( null === $a ) {
			return null;
		}
		return is_array( $a['items'] ?? null ) ? $a['items'] : array();
	}

	/**
	 * Redeems a reward for the user and remembers its code.
	 *
	 * @param int    $user_id       WordPress user id.
	 * @param string $reward_id     Catalog reward id.
	 * @param int    $points        Points (pay with points only).
	 * @param int    $subtotal      Cart subtotal in minor units (0 when unknown).
	 * @param string $key           Idempotency key: the same key never issues twice.
	 * @return array<string,mixed> The redemption.
	 * @throws ApiException With the service's message (too few points, bounds).
	 */
	public function redeem( int $user_id, string $reward_id, int $points, int $subtotal, string $key ): array {
		if ( ! $this->client ) {
			throw new ApiException( __( 'Rewards are temporarily unavailable.', 'vafa' ) );
		}
		$body = array( 'reward_id' => $reward_id );
		if ( $points > 0 ) {
			$body['points'] = $points;
		}
		if ( $subtotal > 0 ) {
			$body['cart_subtotal_minor'] = $subtotal;
		}
		$r        = $this->client->as_user( 'POST', '/v1/me/redemptions', (string) $user_id, 'shopper', $body, array( 'Idempotency-Key' => substr( $key, 0, 150 ) ), 10.0 );
		$program  = ( new Program( $this->client ) )->fetch();
		$exponent = (int) ( $program['currency_exponent'] ?? 2 );
		Codes::remember( $r, $user_id, $exponent );
		self::forget_figures( $user_id );
		return $r;
	}

	/**
	 * Releases a code's reward (removed from the cart): the points come back.
	 *
	 * @param int    $user_id WordPress user id.
	 * @param string $code    Coupon code.
	 * @return bool Whether the service released it.
	 */
	public function release( int $user_id, string $code ): bool {
		$r = Codes::get( $code );
		if ( ! $this->client || ! $r || (int) $r['user_id'] !== $user_id || ! empty( $r['order_id'] ) ) {
			return false;
		}
		try {
			$this->client->as_user( 'DELETE', '/v1/me/redemptions/' . rawurlencode( (string) $r['id'] ), (string) $user_id, 'shopper', null, array(), 10.0 );
		} catch ( ApiException $e ) {
			return false;
		}
		Codes::forget( $code );
		self::forget_figures( $user_id );
		return true;
	}

	/**
	 * Drops the user's cached balance and rewards: they just changed.
	 *
	 * @param int $user_id WordPress user id.
	 */
	private static function forget_figures( int $user_id ): void {
		\Vafa\ApiClient::forget_cached( $user_id, \Vafa\Storefront\View::SUMMARY );
	}
}
