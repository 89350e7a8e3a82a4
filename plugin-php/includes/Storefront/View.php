<?php
/**
 * Renders points widgets.
 *
 * @package Vafa
 */

namespace Vafa\Storefront;

use Vafa\ApiClient;
use Vafa\Format;

defined( 'ABSPATH' ) || exit;

/**
 * Markup for balances and activity, escaped, in the user's locale. Never
 * throws and never waits longer than the client's timeout.
 */
final class View {
	/**
	 * The balance box for a user.
	 *
	 * @param int $user_id WordPress user id.
	 */
	public static function balance( int $user_id ): string {
		$client = ApiClient::connected();
		$me     = $client ? $client->cached_get( $user_id, '/v1/me' ) : null;
		if ( null === $me ) {
			return '<div class="vafa vafa-unavailable">' . esc_html__( 'Rewards are temporarily unavailable.', 'vafa' ) . '</div>';
		}
		$locale = determine_locale();
		$out    = '<div class="vafa vafa-balance" dir="' . ( Format::is_rtl( $locale ) ? 'rtl' : 'ltr' ) . '">';
		$out   .= '<p class="vafa-available"><span class="vafa-label">' . esc_html__( 'Your points', 'vafa' ) . '</span> <strong class="vafa-points" data-points="' . esc_attr( (string) (int) $me['available'] ) . '">'
			. esc_html( Format::points( (int) $me['available'], $locale ) ) . '</strong></p>';
		if ( isset( $me['available_value_minor'], $me['currency'], $me['currency_exponent'] ) && (int) $me['available'] > 0 ) {
			/* translators: %s: money value of the points, e.g. 4.50 USD */
			$out .= '<p class="vafa-value">' . esc_html( sprintf( __( 'Worth %s', 'vafa' ), Format::money( (int) $me['available_value_minor'], (int) $me['currency_exponent'], (string) $me['currency'], $locale ) ) ) . '</p>';
		}
		if ( (int) $me['available'] < 0 ) {
			$out .= '<p class="vafa-negative">' . esc_html__( 'Your balance is negative because points you spent were taken back by a refund. New orders will bring it back up.', 'vafa' ) . '</p>';
		}
		if ( ! empty( $me['pending'] ) ) {
			/* translators: %s: number of points waiting for the return window to pass */
			$out .= '<p class="vafa-pending">' . esc_html( sprintf( __( '%s points pending (they become available when the return period ends)', 'vafa' ), Format::points( (int) $me['pending'], $locale ) ) ) . '</p>';
		}
		/* translators: %s: lifetime points */
		$out .= '<p class="vafa-lifetime">' . esc_html( sprintf( __( 'Lifetime points: %s', 'vafa' ), Format::points( (int) ( $me['lifetime'] ?? 0 ), $locale ) ) ) . '</p>';
		if ( ! empty( $me['stale_since'] ) ) {
			/* translators: %s: date and time the figures were last updated */
			$out .= '<p class="vafa-stale">' . esc_html( sprintf( __( 'Rewards are temporarily unavailable; figures as of %s.', 'vafa' ), wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), (int) $me['stale_since'] ) ) ) . '</p>';
		}
		return $out . '</div>';
	}

	/**
	 * The recent activity list for a user.
	 *
	 * @param int    $user_id WordPress user id.
	 * @param string $cursor  Page cursor ('' for the newest).
	 */
	public static function activity( int $user_id, string $cursor = '' ): string {
		if ( ! self::valid_cursor( $cursor ) ) {
			$cursor = '';
		}
		$client = ApiClient::connected();
		$path   = '/v1/me/activity?limit=10' . ( '' !== $cursor ? '&cursor=' . rawurlencode( $cursor ) : '' );
		$page   = $client ? $client->cached_get( $user_id, $path ) : null;
		if ( null === $page ) {
			return '<div class="vafa vafa-unavailable">' . esc_html__( 'Rewards are temporarily unavailable.', 'vafa' ) . '</div>';
		}
		$locale = determine_locale();
		$items  = is_array( $page['items'] ?? null ) ? $page['items'] : array();
		if ( ! $items ) {
			return '<div class="vafa vafa-activity"><p>' . esc_html__( 'No points activity yet.', 'vafa' ) . '</p></div>';
		}
		$out = '<table class="vafa vafa-activity shop_table"><thead><tr><th>' . esc_html__( 'Date', 'vafa' ) . '</th><th>' . esc_html__( 'Activity', 'vafa' ) . '</th><th>' . esc_html__( 'Points', 'vafa' ) . '</th></tr></thead><tbody>';
		foreach ( $items as $it ) {
			$delta = (int) ( $it['available_delta'] ?? 0 ) + (int) ( $it['pending_delta'] ?? 0 );
			$when  = strtotime( (string) ( $it['created_at'] ?? '' ) );
			$out  .= '<tr><td>' . esc_html( $when ? wp_date( get_option( 'date_format' ), $when ) : '' ) . '</td><td>' . esc_html( self::describe( $it ) ) . '</td><td class="vafa-delta">'
				. esc_html( ( $delta > 0 ? '+' : '' ) . Format::points( $delta, $locale ) ) . '</td></tr>';
		}
		$out .= '</tbody></table>';
		if ( ! empty( $page['next_cursor'] ) ) {
			$out .= '<p><a class="vafa-more" href="' . esc_url( add_query_arg( 'vafa_cursor', (string) $page['next_cursor'] ) ) . '">' . esc_html__( 'Older activity', 'vafa' ) . '</a></p>';
		}
		return $out;
	}

	/**
	 * A human description of one transaction.
	 *
	 * @param array<string,mixed> $it Activity item.
	 */
	private static function describe( array $it ): string {
		$order = isset( $it['order_id'] ) ? Format::digits( (string) $it['order_id'], determine_locale() ) : '';
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
