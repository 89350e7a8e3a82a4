<?php
/**
 * Renders points widgets.
 *
 * @package Vafa
 */

namespace Vafa\Storefront;

use Vafa\ApiClient;
use Vafa\Format;
use Vafa\Settings;
use Vafa\Templates;

defined( 'ABSPATH' ) || exit;

/**
 * Markup for balances and activity, escaped, in the user's locale. Never
 * throws and never waits longer than the client's timeout.
 */
final class View {
	/**
	 * The one service call a storefront page makes for a shopper: the
	 * balance, tier and expiry, the first activity page, the rewards as the
	 * shopper sees them, their issued rewards and their referral summary,
	 * cached per user, so every box on the page reads the same answer.
	 */
	public const SUMMARY = '/v1/me?include=activity,rewards,redemptions,referral';

	/**
	 * The shopper's summary (cached a minute, dropped when it changes: see
	 * Freshness; the last good one, marked stale_since, when the service
	 * cannot answer), or null.
	 *
	 * @param int $user_id WordPress user id.
	 * @return array<string,mixed>|null
	 */
	public static function summary( int $user_id ): ?array {
		$client = self::client();
		return $client && $user_id > 0 ? $client->cached_get( $user_id, self::SUMMARY ) : null;
	}

	/**
	 * The balance box for a user (template storefront/balance.php).
	 *
	 * @param int $user_id WordPress user id.
	 */
	public static function balance( int $user_id ): string {
		$me = self::summary( $user_id );
		if ( null === $me ) {
			return Templates::render( 'storefront/unavailable.php' );
		}
		self::notice_change( $user_id, $me );
		return Templates::render(
			'storefront/balance.php',
			array(
				'me'     => $me,
				'locale' => determine_locale(),
			)
		);
	}

	/**
	 * The recent activity list for a user (template storefront/activity.php).
	 *
	 * @param int    $user_id WordPress user id.
	 * @param string $cursor  Page cursor ('' for the newest).
	 */
	public static function activity( int $user_id, string $cursor = '' ): string {
		if ( ! self::valid_cursor( $cursor ) ) {
			$cursor = '';
		}
		if ( '' === $cursor ) {
			// The first page comes with the summary the balance box reads.
			$me   = self::summary( $user_id );
			$page = is_array( $me['activity'] ?? null ) ? $me['activity'] : null;
			if ( null !== $page && ! empty( $me['stale_since'] ) ) {
				$page['stale_since'] = $me['stale_since'];
			}
		} else {
			$client = self::client();
			$page   = $client ? $client->cached_get( $user_id, '/v1/me/activity?limit=10&cursor=' . rawurlencode( $cursor ) ) : null;
		}
		if ( null === $page ) {
			return Templates::render( 'storefront/unavailable.php' );
		}
		$rows   = array();
		$locale = determine_locale();
		foreach ( is_array( $page['items'] ?? null ) ? $page['items'] : array() as $it ) {
			$when   = Format::unix( (string) ( $it['created_at'] ?? '' ) );
			$rows[] = array(
				'when'  => $when ? $when : 0,
				'text'  => self::describe( $it, $locale ),
				'delta' => (int) ( $it['available_delta'] ?? 0 ) + (int) ( $it['pending_delta'] ?? 0 ),
			);
		}
		// Every row's date at once: the zone and format are read once.
		$dates = Format::dates( array_filter( array_column( $rows, 'when' ) ), $locale );
		foreach ( $rows as $i => $row ) {
			$rows[ $i ]['date'] = $dates[ $i ] ?? '';
		}
		return Templates::render(
			'storefront/activity.php',
			array(
				'rows'     => $rows,
				'next_url' => ! empty( $page['next_cursor'] ) ? add_query_arg( 'vafa_cursor', (string) $page['next_cursor'] ) : '',
				'locale'   => $locale,
			)
		);
	}

	/**
	 * The client the storefront uses (null when not connected). Tests and
	 * other plugins can replace it through the vafa_api_client filter.
	 */
	public static function client(): ?ApiClient {
		return apply_filters( 'vafa_api_client', ApiClient::connected() );
	}

	/**
	 * Tells other plugins when a shopper's balance differs from the last one
	 * the plugin saw: do_action( 'vafa_points_changed', $user_id, $now, $before ).
	 *
	 * @param int                 $user_id WordPress user id.
	 * @param array<string,mixed> $me      The fresh balance.
	 */
	private static function notice_change( int $user_id, array $me ): void {
		if ( ! empty( $me['stale_since'] ) ) {
			return;
		}
		$key    = Settings::PREFIX . 'seen_balance';
		$now    = array(
			'available' => (int) ( $me['available'] ?? 0 ),
			'pending'   => (int) ( $me['pending'] ?? 0 ),
		);
		$before = get_user_meta( $user_id, $key, true );
		if ( $before !== $now ) {
			update_user_meta( $user_id, $key, $now );
			if ( is_array( $before ) ) {
				do_action( 'vafa_points_changed', $user_id, $now, $before );
			}
		}
	}

	/**
	 * A human description of one transaction.
	 *
	 * @param array<string,mixed> $it     Activity item.
	 * @param string              $locale The reader's locale ('' for determine_locale(); a list passes it once for all its rows).
	 */
	public static function describe( array $it, string $locale = '' ): string {
		$locale = '' !== $locale ? $locale : determine_locale();
		$order  = isset( $it['order_id'] ) ? Format::digits( (string) $it['order_id'], $locale ) : '';
		$bonus = \Vafa\Bonuses\Kinds::label( (string) ( $it['kind'] ?? '' ), (string) ( $it['reason'] ?? $it['message'] ?? '' ) );
		if ( '' !== $bonus ) {
			return $bonus;
		}
		switch ( $it['kind'] ?? '' ) {
			case 'order_earn':
				/* translators: %s: order number */
				return sprintf( __( 'Points for order #%s', 'vafa' ), $order );
			case 'order_reversal':
				/* translators: %s: order number */
				return sprintf( __( 'Refund or cancellation of order #%s', 'vafa' ), $order );
			case 'order_mature':
				/* translators: %s: order number */
				return sprintf( __( 'Points for order #%s are now available', 'vafa' ), $order );
			case 'merge':
				return __( 'Points from your guest orders', 'vafa' );
			case 'adjustment':
				$reason = (string) ( $it['reason'] ?? '' );
				return '' !== $reason ? $reason : __( 'Adjustment by the store', 'vafa' );
			case 'redeem_hold':
				return __( 'Points spent on a reward', 'vafa' );
			case 'redeem_use':
				/* translators: %s: order number */
				return '' !== $order ? sprintf( __( 'Reward used on order #%s', 'vafa' ), $order ) : __( 'Reward used', 'vafa' );
			case 'redeem_release':
				return __( 'Reward removed: points back', 'vafa' );
			case 'redeem_expire':
				return __( 'Unused reward expired: points back', 'vafa' );
			case 'referral_reward':
				return __( 'Reward for a friend you referred', 'vafa' );
			case 'referral_commission':
				/* translators: %s: order number */
				return sprintf( __( 'Your share of a referred friend\'s order #%s', 'vafa' ), $order );
			case 'referral_welcome':
				return __( 'Welcome gift for joining through a friend', 'vafa' );
			case 'redeem_return':
				/* translators: %s: order number */
				return sprintf( __( 'Order #%s refunded or cancelled: reward points back', 'vafa' ), $order );
			case 'points_expire':
				return __( 'Points expired', 'vafa' );
			case 'tier_change':
				$tier = \Vafa\Tiers\Status::name( (array) ( $it['tier_names'] ?? array() ), $locale );
				/* translators: %s: tier name, e.g. Gold */
				return '' !== $tier ? sprintf( __( 'Your status is now %s', 'vafa' ), $tier ) : __( 'Your status ended', 'vafa' );
		}
		return __( 'Points activity', 'vafa' );
	}

	/**
	 * The page cursor from ?vafa_cursor, or '' when absent or not valid.
	 */
	public static function cursor(): string {
		$cursor = isset( $_GET['vafa_cursor'] ) ? sanitize_text_field( wp_unslash( $_GET['vafa_cursor'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- read-only paging.
		return self::valid_cursor( $cursor ) ? $cursor : '';
	}

	/**
	 * A cursor is a positive id of at most 19 digits: anything else (a
	 * hostile "0", text) is ignored, never sent to the service.
	 *
	 * @param string $cursor The cursor.
	 */
	public static function valid_cursor( string $cursor ): bool {
		return 1 === preg_match( '/^[1-9][0-9]{0,18}$/', $cursor );
	}
}
